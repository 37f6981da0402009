import { useApi } from '../api/use-api';

/**
 * The site filter of the catalog and the alert board: the sites the deployment's SLO scopes name
 * (GET /api/catalog/sites), each with how many products carry its readings. `value` '' is every site.
 */
export function SiteSelect({ value, onChange, testId }: { value: string; onChange: (site: string) => void; testId: string }) {
  const sites = useApi<Array<{ site: string; products: number }>>('/api/catalog/sites', 30_000);
  const known = sites.data ?? [];
  return (
    <select data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)} title="Site: the second level of asset paths">
      <option value="">All sites</option>
      {known.map(({ site, products }) => (
        <option key={site} value={site}>
          {site} ({products} product{products === 1 ? '' : 's'})
        </option>
      ))}
      {value && !known.some(({ site }) => site === value) && <option value={value}>{value}</option>}
    </select>
  );
}
