import { useEffect, useState } from 'react';

/** A search box that reports what was typed once typing pauses, so thousands of rows are not re-queried per key. */
export function SearchInput({
  value,
  onSearch,
  placeholder,
  testId,
  narrow,
}: {
  value: string;
  onSearch: (value: string) => void;
  placeholder: string;
  testId?: string;
  narrow?: boolean;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <input
      type="search"
      data-testid={testId}
      placeholder={placeholder}
      style={narrow ? { minWidth: 150, width: 150 } : undefined}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={(event) => event.key === 'Enter' && onSearch(text.trim())}
    />
  );
}
