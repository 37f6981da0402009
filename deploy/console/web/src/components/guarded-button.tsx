import type { ButtonHTMLAttributes } from 'react';
import type { Action } from '@fieldmesh/auth';
import { usePermission } from '../auth/session';

interface GuardedButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  action: Action;
  domain?: string | readonly string[] | undefined;
  testId?: string | undefined;
}

/**
 * A button for a protected action: disabled, with a tooltip saying why, when the signed-in role may not
 * take it. The span carries the tooltip because a disabled button receives no pointer events.
 */
export function GuardedButton({ action, domain, testId, disabled, title, children, ...rest }: GuardedButtonProps) {
  const permission = usePermission(action, domain);
  return (
    <span className="tip" title={permission.allowed ? title : permission.reason}>
      <button {...rest} data-testid={testId} disabled={disabled || !permission.allowed}>
        {children}
      </button>
    </span>
  );
}
