import { Navigate, NavLink, Route, Routes } from 'react-router';
import { useSession } from './auth/session';
import { Badge } from './components/badges';
import { AlertPage } from './pages/alert.page';
import { AlertsPage } from './pages/alerts.page';
import { CatalogPage } from './pages/catalog.page';
import { FleetPage } from './pages/fleet.page';
import { LineagePage } from './pages/lineage.page';
import { LoginPage } from './pages/login.page';
import { ModelsPage } from './pages/models.page';
import { PlantEventsPage } from './pages/plant-events.page';
import { ProductPage } from './pages/product.page';
import { ProposalPage } from './pages/proposal.page';
import { ReviewsPage } from './pages/reviews.page';
import { SloPage } from './pages/slo.page';

const NAV = [
  ['/catalog', 'Catalog'],
  ['/reviews', 'Reviews'],
  ['/lineage', 'Lineage'],
  ['/alerts', 'Alerts'],
  ['/plant-alarms', 'Plant alarms'],
  ['/fleet', 'Fleet'],
  ['/slo', 'SLOs'],
  ['/models', 'Models'],
] as const;

export function App() {
  const { principal, checking, signOut } = useSession();
  if (checking)
    return (
      <div className="loading" style={{ padding: 20 }}>
        Checking your token…
      </div>
    );
  if (!principal) return <LoginPage />;
  return (
    <>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" />
          Fieldmesh
        </div>
        <nav className="nav">
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to} data-testid={`nav-${to.slice(1)}`}>
              {label}
            </NavLink>
          ))}
        </nav>
        <div className="whoami" data-testid="whoami">
          <strong data-testid="whoami-name">{principal.name}</strong>
          <Badge tone="accent" testId="whoami-role">
            {principal.role}
          </Badge>
          <span title="Domains this token may act for">{principal.domains.includes('*') ? 'all domains' : principal.domains.join(', ') || 'no domain'}</span>
          <button className="link" data-testid="logout" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<Navigate to="/catalog" replace />} />
          <Route path="/catalog" element={<CatalogPage />} />
          <Route path="/catalog/:id" element={<ProductPage />} />
          <Route path="/reviews" element={<ReviewsPage />} />
          <Route path="/reviews/:proposalId" element={<ProposalPage />} />
          <Route path="/lineage" element={<LineagePage />} />
          <Route path="/alerts" element={<AlertsPage />} />
          <Route path="/alerts/:alertId" element={<AlertPage />} />
          <Route path="/plant-alarms" element={<PlantEventsPage />} />
          <Route path="/fleet" element={<FleetPage />} />
          <Route path="/slo" element={<SloPage />} />
          <Route path="/models" element={<ModelsPage />} />
          <Route path="*" element={<div className="empty">No page here. Pick one from the bar above.</div>} />
        </Routes>
      </main>
    </>
  );
}
