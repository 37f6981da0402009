import { formatNumber } from '../format/format';

interface PagerProps {
  page: number;
  pageCount: number;
  total: number;
  pageSize: number;
  onPage: (page: number) => void;
}

export function Pager({ page, pageCount, total, pageSize, onPage }: PagerProps) {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <div className="pager">
      <span data-testid="pagination-range">
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
      </span>
      <button data-testid="pagination-prev" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ Prev
      </button>
      <span>
        page {page} / {pageCount}
      </span>
      <button data-testid="pagination-next" disabled={page >= pageCount} onClick={() => onPage(page + 1)}>
        Next ›
      </button>
    </div>
  );
}
