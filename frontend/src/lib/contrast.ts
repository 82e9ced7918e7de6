// WCAG 2 contrast, for the palette's tests (the e2e runs axe on the real
// window): relative luminance of sRGB hex colours and their ratio.

function channels(hex: string): [number, number, number] {
    const h = hex.replace('#', '');
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as [number, number, number];
}

const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

export function luminance(hex: string): number {
    const [r, g, b] = channels(hex).map(linear);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
}

/** fg at opacity alpha over bg, as a hex colour (Mantine's "light" backgrounds are tints). */
export function over(fg: string, alpha: number, bg: string): string {
    const f = channels(fg);
    const g = channels(bg);
    return (
        '#' +
        f
            .map((c, i) => Math.round((c * alpha + g[i] * (1 - alpha)) * 255))
            .map((v) => v.toString(16).padStart(2, '0'))
            .join('')
    );
}
