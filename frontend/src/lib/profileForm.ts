// A keychain profile form's checks, at the field they are about: the shapes
// AWS gives (an access key id is AKIA or ASIA and 16 more), and the Go
// side's own refusals, sent back as one message, split to their fields.

export type Field = 'name' | 'keyId' | 'secret' | 'mfa' | 'role' | 'region' | 'minutes';

export interface ProfileFields {
    name: string;
    keyId: string;
    secret: string;
    mfa: string;
    role: string;
    region: string;
    minutes: number | string;
}

export type FieldErrors = Partial<Record<Field | 'form', string>>;

const nameRE = /^[A-Za-z0-9_.@+=,-]{1,64}$/;
const keyIdRE = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const regionRE = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const arnRE = /^arn:aws[a-z-]*:iam::\d{12}:/;

/** What is wrong with the form as typed; replacing is whether new keys are being given. */
export function checkProfile(f: ProfileFields, replacing: boolean): FieldErrors {
    const e: FieldErrors = {};
    if (!nameRE.test(f.name.trim())) e.name = 'Use 1 to 64 letters, digits or _.@+=,-';
    if (replacing) {
        const id = f.keyId.trim();
        if (!id) e.keyId = 'The access key ID is needed';
        else if (!keyIdRE.test(id))
            e.keyId =
                'An access key ID is 20 capital letters and digits starting with AKIA (ASIA for temporary keys), like AKIAIOSFODNN7EXAMPLE';
        if (!f.secret) e.secret = 'The secret access key is needed';
        else if (f.secret.length < 16 || /\s/.test(f.secret))
            e.secret = 'A secret access key is 40 characters without spaces';
    }
    if (
        f.mfa.trim() &&
        !/^arn:aws[a-z-]*:iam::\d{12}:mfa\/.+/.test(f.mfa.trim()) &&
        !/^[A-Z0-9]{8,}$/.test(f.mfa.trim())
    )
        e.mfa = 'An MFA device is an ARN like arn:aws:iam::123456789012:mfa/me (or a hardware serial)';
    if (f.role.trim() && !arnRE.test(f.role.trim()))
        e.role = 'A role is an ARN like arn:aws:iam::123456789012:role/admin';
    if (f.region.trim() && !regionRE.test(f.region.trim())) e.region = 'A region looks like eu-west-1';
    const m = f.minutes;
    if (typeof m === 'number' && (m < 15 || m > 2160)) e.minutes = 'Between 15 and 2160 minutes (36 hours)';
    return e;
}

/** Which field a refusal of the Go side is about, by its words. */
const fieldOf: [RegExp, Field][] = [
    [/access key id/i, 'keyId'],
    [/secret access key|keys were rejected|invalidclienttokenid|signaturedoesnotmatch/i, 'secret'],
    [/role arn|a role session/i, 'role'],
    [/mfa/i, 'mfa'],
    [/region/i, 'region'],
    [/session duration/i, 'minutes'],
    [/profile name|already exists|no keychain profile/i, 'name'],
];

/** A refusal's parts ("keychain profile "x": a; b") at the fields they name; the rest for the form. */
export function refusalAt(message: string): FieldErrors {
    const body = message.replace(/^keychain profile "[^"]*": /, '');
    const e: FieldErrors = {};
    for (const part of body.split('; ')) {
        const f = fieldOf.find(([re]) => re.test(part))?.[1] ?? 'form';
        e[f] = e[f] ? `${e[f]}; ${part}` : part;
    }
    return e;
}
