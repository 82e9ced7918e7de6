import {useEffect, useState} from 'react';

/** The wall clock, re-read every `ms`: drives uptimes and elapsed times on screen (it never asks Go anything). */
export function useNow(ms = 1000): number {
    const [now, setNow] = useState(() => Date.now());
    useEffect(() => {
        const t = setInterval(() => setNow(Date.now()), ms);
        return () => clearInterval(t);
    }, [ms]);
    return now;
}
