"use client";

export interface RadioCardOption<V extends string> {
  value: V;
  label: string;
  /** A line under the label saying what choosing it means. */
  description: string;
}

export interface RadioCardsProps<V extends string> {
  legend: string;
  /** The radios' `name`, also the prefix of the error's id. */
  name: string;
  options: readonly RadioCardOption<V>[];
  value: V;
  onChange: (value: V) => void;
  /** The server's or the form's message for this choice, shown under it and tied to the group. */
  error?: string;
}

const radioClassName = "mt-0.5 size-4 border-slate-300 text-indigo-600 focus-visible:ring-2 focus-visible:ring-indigo-600";

/** One choice out of a few, each a bordered card with a label and what it means. */
export function RadioCards<V extends string>({ legend, name, options, value, onChange, error }: RadioCardsProps<V>) {
  const errorId = `${name}-error`;
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-2 space-y-2">
        {options.map((option) => (
          <label key={option.value} className="flex items-start gap-3 rounded-md border border-slate-200 bg-white p-3">
            <input
              type="radio"
              name={name}
              value={option.value}
              className={radioClassName}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            <span>
              <span className="block text-sm font-medium text-slate-900">{option.label}</span>
              <span className="block text-sm text-slate-600">{option.description}</span>
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={errorId} className="mt-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
