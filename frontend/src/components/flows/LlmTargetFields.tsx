// The LLM step's provider and model pickers (drawn for form fields of kind provider / model).

import { TextInput } from "./fields";

interface PickerProps {
  label: string;
  value: unknown;
  placeholder?: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
}

export function ProviderField(props: PickerProps) {
  return (
    <>
      <TextInput {...props} list="flow-providers" />
      <datalist id="flow-providers">
        <option value="openai" />
        <option value="anthropic" />
      </datalist>
    </>
  );
}

export function ModelField(props: PickerProps) {
  return <TextInput {...props} />;
}
