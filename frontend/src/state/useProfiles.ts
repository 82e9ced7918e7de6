import {useCallback, useEffect, useState} from 'react';
import {useApi} from '../api/context';
import type {ProfileList, Whoami} from '../api/types';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The profiles and the active choice, kept current by "profiles:changed"; who the active credentials are. */
export function useProfiles() {
    const api = useApi();
    const [list, setList] = useState<ProfileList | undefined>();
    const [who, setWho] = useState<Whoami | undefined>();
    const [whoError, setWhoError] = useState<string | undefined>();
    const [error, setError] = useState<string | undefined>();
    const [switching, setSwitching] = useState(false);

    // Who the credentials are, set when the answer comes (the effect below
    // calls it on open, when there is no earlier error to clear).
    const fetchWho = useCallback(() => {
        api.whoAmI().then(
            (w) => setWho(w),
            (err) => {
                setWho(undefined);
                setWhoError(message(err));
            },
        );
    }, [api]);
    /** Ask again who the credentials are: the last answer's error goes at once. */
    const ask = useCallback(() => {
        setWhoError(undefined);
        fetchWho();
    }, [fetchWho]);

    useEffect(() => {
        let live = true;
        const off = api.onProfiles((l) => live && setList(l));
        api.profiles().then(
            (l) => live && setList(l),
            (err) => live && setError(message(err)),
        );
        fetchWho();
        return () => {
            live = false;
            off();
        };
    }, [api, fetchWho]);

    /** Switch the active profile and region; the account is asked again. */
    const use = useCallback(
        async (name: string, region: string) => {
            setSwitching(true);
            setError(undefined);
            try {
                await api.useProfile(name, region);
                setList(await api.profiles());
                ask();
            } catch (err) {
                setError(message(err));
            } finally {
                setSwitching(false);
            }
        },
        [api, ask],
    );

    const active = list?.profiles.find((p) => p.name === (list.active || 'default'));
    const account = who?.identity?.account || active?.account || '';
    return {list, who, whoError, error, switching, use, ask, active, account};
}

export type ProfilesState = ReturnType<typeof useProfiles>;
