import type { ReactNode } from 'react';
import type { Page } from '../../../src/api/types';
import { Pager } from './pager';

interface PagedTableProps<T> {
  page: Page<T>;
  testId: string;
  /** The header cells. */
  head: ReactNode;
  /** One keyed `<tr>` per item. */
  row: (item: T) => ReactNode;
  /** Said instead of rows when nothing matches. */
  empty: string;
  onPage: (page: number) => void;
}

/** One page of a list page's table, what to say when it is empty, and the pager under it. */
export function PagedTable<T>({ page, testId, head, row, empty, onPage }: PagedTableProps<T>) {
  return (
    <>
      <div className="table-wrap">
        <table data-testid={testId}>
          <thead>
            <tr>{head}</tr>
          </thead>
          <tbody>{page.items.map((item) => row(item))}</tbody>
        </table>
        {page.items.length === 0 && <div className="empty">{empty}</div>}
      </div>
      <Pager page={page.page} pageCount={page.pageCount} total={page.total} pageSize={page.pageSize} onPage={onPage} />
    </>
  );
}
