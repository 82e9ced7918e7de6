import {TextInput} from '@mantine/core';
import {parseLease} from '../../lib/lease';

interface Props {
    label: string;
    value: string;
    onChange: (text: string) => void;
    w: number;
    description?: string;
    placeholder?: string;
    disabled?: boolean;
}

/** A custom lease length as typed ("90m", "1d 4h"), refused at the field in words once something is typed. */
export function LengthInput({label, value, onChange, w, description, placeholder, disabled}: Props) {
    return (
        <TextInput
            size="xs"
            w={w}
            label={label}
            description={description}
            placeholder={placeholder}
            value={value}
            onChange={(e) => onChange(e.currentTarget.value)}
            error={value.trim() ? parseLease(value).error : undefined}
            disabled={disabled}
        />
    );
}
