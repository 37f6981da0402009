import { useState } from 'react';

/** Code to copy: AsyncAPI snippets, consumer examples, SQL. */
export function CopyBox({ text, testId }: { text: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div className="copybox">
      <pre data-testid={testId}>{text}</pre>
      <button onClick={copy}>{copied ? 'Copied' : 'Copy'}</button>
    </div>
  );
}
