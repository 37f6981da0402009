import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PagedTable } from './paged-table';

// The list pages (catalog, reviews, alerts, SLOs) all draw their table through this; browser tests find it by these test ids.
function render(items: string[], page: number, total: number): string {
  return renderToStaticMarkup(
    createElement(PagedTable<string>, {
      page: { items, total, page, pageSize: 25, pageCount: Math.max(1, Math.ceil(total / 25)) },
      testId: 'thing-table',
      head: createElement('th', null, 'Name'),
      row: (item) => createElement('tr', { key: item, 'data-testid': `thing-row-${item}` }, createElement('td', null, item)),
      empty: 'No thing matches these filters.',
      onPage: () => undefined,
    }),
  );
}

describe('PagedTable', () => {
  it('renders a row per item in the table named by its test id, and the range of the page in the pager', () => {
    const html = render(['pump-1', 'pump-2'], 2, 60);
    expect(html).toContain('<table data-testid="thing-table"><thead><tr><th>Name</th></tr></thead>');
    expect(html).toContain('<tr data-testid="thing-row-pump-1"><td>pump-1</td></tr><tr data-testid="thing-row-pump-2"><td>pump-2</td></tr>');
    expect(html).toContain('<span data-testid="pagination-range">26–50 of 60</span>');
    expect(html).not.toContain('No thing matches');
    expect(html).not.toMatch(/data-testid="pagination-(prev|next)" disabled/);
  });

  it('says so when nothing matches, and both page buttons are off', () => {
    const html = render([], 1, 0);
    expect(html).toContain('<div class="empty">No thing matches these filters.</div>');
    expect(html).toMatch(/data-testid="pagination-prev" disabled/);
    expect(html).toMatch(/data-testid="pagination-next" disabled/);
  });
});
