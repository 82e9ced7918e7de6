import {useEffect, useMemo, useState} from 'react';
import {
    Alert,
    Badge,
    Button,
    Fieldset,
    Group,
    Loader,
    Modal,
    Select,
    Stack,
    Table,
    Text,
    TextInput,
} from '@mantine/core';
import {useApi} from '../../api/context';
import type {LaunchPreview, LaunchRequest, LaunchTarget, LaunchTemplates, TemplateView} from '../../api/types';
import {missing, money, quote, when} from '../../lib/cost';
import {duration} from '../../lib/format';
import {Problems, message} from './Problems';
import classes from '../PlanDialog.module.css';

interface Props {
    env: string;
    /** The window acts on the sandbox (its own account). */
    sandbox: boolean;
    onClose: () => void;
    /** The launch has begun (its progress follows as the run's). */
    onLaunched: (env: string) => void;
}

interface Form {
    template: string;
    type: string;
    name: string;
    tokens: Record<string, string>;
}

const formFor = (t: TemplateView | undefined): Form => ({
    template: t?.name ?? '',
    type: t?.types[0]?.type ?? '',
    name: '',
    tokens: Object.fromEntries((t?.tokens ?? []).map((k) => [k.name, k.value])),
});

/**
 * Launch from one of the environment's templates: the choices, then the preview as AWS checked it
 * (nothing created), then an explicit Confirm launch that launches exactly what was previewed.
 * Changing any choice drops the preview, so what is confirmed is always what is shown.
 */
export function LaunchDialog({env, sandbox, onClose, onLaunched}: Props) {
    const api = useApi();
    const [choices, setChoices] = useState<LaunchTemplates | undefined>();
    const [loadError, setLoadError] = useState<string | undefined>();
    const [form, setForm] = useState<Form>(formFor(undefined));
    const [preview, setPreview] = useState<LaunchPreview | undefined>();
    const [previewing, setPreviewing] = useState(false);
    const [rejected, setRejected] = useState<string | undefined>();
    const [confirming, setConfirming] = useState(false);
    const [launchError, setLaunchError] = useState<string | undefined>();
    const [attempt, setAttempt] = useState(0);

    useEffect(() => {
        let live = true;
        api.launchTemplates(env).then(
            (c) => {
                if (!live) return;
                setChoices(c);
                setForm(formFor(c.templates.find((t) => !t.problem) ?? c.templates[0]));
            },
            (err) => live && setLoadError(message(err)),
        );
        return () => {
            live = false;
        };
    }, [api, env, attempt]);

    const template = choices?.templates.find((t) => t.name === form.template);
    const change = (f: Partial<Form>) => {
        setForm((cur) => ({...cur, ...f}));
        setPreview(undefined);
        setRejected(undefined);
        setLaunchError(undefined);
    };
    const request = (): LaunchRequest => ({
        template: form.template,
        type: form.type,
        name: form.name.trim(),
        tokens: form.tokens,
    });

    const check = async () => {
        setPreviewing(true);
        setRejected(undefined);
        try {
            setPreview(await api.previewLaunch(env, request()));
        } catch (err) {
            setPreview(undefined);
            setRejected(message(err));
        } finally {
            setPreviewing(false);
        }
    };
    const confirm = async () => {
        if (!preview) return;
        setConfirming(true);
        setLaunchError(undefined);
        try {
            await api.launch(env, {...request(), ids: preview.instances.map((i) => i.launch)});
            onLaunched(env);
            onClose();
        } catch (err) {
            setLaunchError(message(err));
        } finally {
            setConfirming(false);
        }
    };

    return (
        <Modal opened onClose={onClose} size="xl" title={`Launch into ${env}`} classNames={{body: classes.body}}>
            {!choices && !loadError && (
                <Group gap="xs" role="status">
                    <Loader size="sm" /> <Text size="sm">Reading the templates…</Text>
                </Group>
            )}
            {loadError && (
                <Alert color="red" role="alert" title="The templates could not be read" data-testid="launch-load-error">
                    <Text size="sm">{loadError}</Text>
                </Alert>
            )}
            {choices && (
                <Stack gap="sm">
                    <TargetLine target={choices.target} sandbox={sandbox} />
                    <Choices
                        choices={choices}
                        template={template}
                        form={form}
                        onTemplate={(name) => change(formFor(choices.templates.find((t) => t.name === name)))}
                        onChange={change}
                    />
                    {rejected && <Problems title="It cannot be launched" message={rejected} testid="launch-rejected" />}
                    {preview && <PreviewBody p={preview} />}
                    {launchError && (
                        <Problems title="The launch did not begin" message={launchError} testid="launch-error" />
                    )}
                </Stack>
            )}
            <Group justify="flex-end" className={classes.footer}>
                <Button variant="default" onClick={onClose}>
                    Close
                </Button>
                {loadError ? (
                    <Button
                        onClick={() => {
                            setLoadError(undefined);
                            setAttempt((a) => a + 1);
                        }}
                    >
                        Retry
                    </Button>
                ) : preview ? (
                    <Button color="teal.9" onClick={confirm} loading={confirming} data-autofocus>
                        Confirm launch
                    </Button>
                ) : (
                    <Button
                        onClick={check}
                        loading={previewing}
                        disabled={!template || !!template.problem || !form.type}
                    >
                        Preview
                    </Button>
                )}
            </Group>
        </Modal>
    );
}

function TargetLine({target, sandbox}: {target: LaunchTarget; sandbox: boolean}) {
    return (
        <Text size="sm" data-testid="launch-target">
            Acts on {sandbox ? "the sandbox's own account" : 'account'} <b>{target.identity.account || 'unknown'}</b> in
            region <b>{target.region}</b>
            {target.profile ? (
                <>
                    {' '}
                    with profile <b>{target.profile}</b>
                </>
            ) : null}
            {target.identity.arn ? (
                <>
                    {' '}
                    as <code>{target.identity.arn}</code>
                </>
            ) : null}
            {sandbox && (
                <Badge component="span" ml={6} color="orange.9" size="sm">
                    Sandbox
                </Badge>
            )}
        </Text>
    );
}

function Choices(p: {
    choices: LaunchTemplates;
    template?: TemplateView;
    form: Form;
    onTemplate: (name: string) => void;
    onChange: (f: Partial<Form>) => void;
}) {
    const {template: t, form} = p;
    const templates = useMemo(
        () =>
            p.choices.templates.map((x) => ({
                value: x.name,
                label: x.problem ? `${x.name} (cannot be launched)` : x.name,
            })),
        [p.choices.templates],
    );
    return (
        <Stack gap="xs">
            <Select
                label="Template"
                data={templates}
                value={form.template}
                onChange={(v) => v && p.onTemplate(v)}
                allowDeselect={false}
                comboboxProps={{withinPortal: true}}
            />
            {t && (
                <Text size="sm" c="dimmed" data-testid="launch-template-about">
                    {t.description ? `${t.description}. ` : ''}Joins stage <b>{t.stage}</b>
                    {t.volume ? `; a ${t.volume.size} GiB ${t.volume.type ?? ''} volume`.replace(' ;', ';') : ''}
                    {t.dnsZone ? `; a DNS name in ${t.dnsZone}` : ''}.
                </Text>
            )}
            {t?.problem && (
                <Alert
                    color="red"
                    role="alert"
                    data-testid="launch-template-problem"
                    title="Cannot be launched as it is"
                >
                    <Text size="sm">{t.problem}</Text>
                </Alert>
            )}
            {t && (
                <>
                    <Group grow align="flex-start">
                        <Select
                            label="Instance type"
                            data={t.types.map((x) => ({value: x.type, label: `${x.type} — ${quote(x.hourly)}`}))}
                            value={form.type}
                            onChange={(v) => v && p.onChange({type: v})}
                            allowDeselect={false}
                            comboboxProps={{withinPortal: true}}
                        />
                        <TextInput
                            label="Name"
                            placeholder={`${t.name}-N (the next free number)`}
                            description="Empty: the template's name and the next free number"
                            value={form.name}
                            onChange={(e) => p.onChange({name: e.currentTarget.value})}
                        />
                    </Group>
                    {t.tokens.length > 0 && (
                        <Fieldset legend="Tokens replaced in its user data" variant="unstyled">
                            <Group grow align="flex-start">
                                {t.tokens.map((k) => (
                                    <TextInput
                                        key={k.name}
                                        label={k.name}
                                        description={k.value ? `default ${k.value}` : 'no default: give one'}
                                        value={form.tokens[k.name] ?? ''}
                                        onChange={(e) =>
                                            p.onChange({tokens: {...form.tokens, [k.name]: e.currentTarget.value}})
                                        }
                                    />
                                ))}
                            </Group>
                        </Fieldset>
                    )}
                    <Text size="sm" data-testid="launch-lease">
                        {t.ttlSeconds
                            ? `Lease: ${duration(t.ttlSeconds)} from when it is ready, then it is stopped (the template's ttl).`
                            : 'No lease: it runs until it is stopped or terminated.'}{' '}
                        Times out after {duration(t.timeoutSeconds)}; a launch that fails, times out or is cancelled
                        deletes its stack.
                    </Text>
                </>
            )}
        </Stack>
    );
}

/** What AWS was asked and will be given, and what it costs; nothing has been created yet. */
function PreviewBody({p}: {p: LaunchPreview}) {
    const rows: [string, React.ReactNode][] = [
        ['Instances', p.instances.map((i) => `${i.name} (stack ${i.stack})`).join(', ')],
        ['Stage', p.stage],
        [
            'Image',
            <>
                <code>{p.image.id}</code>
                {p.image.name ? ` ${p.image.name}` : ''}
                {p.image.alias ? ` (from ${p.image.alias})` : ''}
            </>,
        ],
        ['Type', `${p.type} — ${quote(p.hourly)}`],
        ['Subnet and zone', `${p.subnet} in ${p.vpc}, ${p.zone}`],
        ['Security groups', p.securityGroups.join(', ') || 'none'],
        ['Key pair', p.keyPair || 'none'],
        ['Instance profile', p.instanceProfile || 'none'],
        [
            'Volume',
            p.volume
                ? `${p.volume.sizeGiB} GiB ${p.volume.type} at ${p.volume.device}${p.volume.encrypted ? ', encrypted' : ''}`
                : "the image's own",
        ],
        [
            'DNS name',
            p.instances
                .map((i) => i.dns)
                .filter(Boolean)
                .join(', ') || 'none',
        ],
        [
            'Lease',
            p.lease
                ? `${duration(p.lease.ttlSeconds)} from ready (ends ${when(p.lease.until) || 'after it is ready'} at the earliest)`
                : 'none',
        ],
        ['Tokens', (p.tokens ?? []).map((t) => `${t.name}=${t.value}`).join(', ') || 'none'],
        ['Template', `${p.cloudformation}, user data ${p.userDataBytes} bytes`],
    ];
    return (
        <Stack gap="xs" data-testid="launch-preview">
            <Text size="sm" fw={700}>
                Preview: checked in AWS, nothing created yet
            </Text>
            <Table className={classes.table} withRowBorders={false} verticalSpacing={2} aria-label="Launch preview">
                <Table.Tbody>
                    {rows.map(([k, v]) => (
                        <Table.Tr key={k}>
                            <Table.Th scope="row">{k}</Table.Th>
                            <Table.Td style={{whiteSpace: 'normal'}}>{v}</Table.Td>
                        </Table.Tr>
                    ))}
                </Table.Tbody>
            </Table>
            <Text size="sm" data-testid="launch-cost" title={missing(p.hourlyTotal) || undefined}>
                Costs <b>{money(p.hourlyTotal)}</b> per hour, <b>{money(p.monthlyTotal)}</b> per month if it keeps
                running (instance {quote(p.hourly)}, volume {money(p.volumeMonthly)} a month).
            </Text>
            {(p.warnings ?? []).length > 0 && (
                <Alert color="orange" title="Warnings" data-testid="launch-warnings">
                    {(p.warnings ?? []).map((w) => (
                        <Text size="sm" key={w}>
                            {w}
                        </Text>
                    ))}
                </Alert>
            )}
        </Stack>
    );
}
