import type { NewSalesRecord, NewTransaction } from '../../prisma/app/index.ts';

/**
 * The demo's small, fixed data set. It is written out literally (not generated) so every run prints the same
 * tables, and it shows the cases that matter: equal timestamps, a refund (negative amount) and a pending
 * transaction whose amount is still NULL.
 */
const at = (iso: string) => new Date(iso);

export const demoTransactions: NewTransaction[] = [
  { accountId: 1001, amount: '2500.00', createdAt: at('2026-01-02T09:00:00Z') },
  { accountId: 1001, amount: '-120.45', createdAt: at('2026-01-03T12:30:00Z') },
  { accountId: 1001, amount: '-80.00', createdAt: at('2026-01-03T12:30:00Z') },
  { accountId: 1001, amount: null, createdAt: at('2026-01-04T08:15:00Z') },
  { accountId: 1001, amount: '19.99', createdAt: at('2026-01-05T17:45:00Z') },
  { accountId: 2002, amount: '100.10', createdAt: at('2026-01-02T10:00:00Z') },
  { accountId: 2002, amount: '100.20', createdAt: at('2026-01-02T10:00:00Z') },
  { accountId: 2002, amount: '-0.30', createdAt: at('2026-01-06T11:11:11Z') },
  { accountId: 3003, amount: '0.10', createdAt: at('2026-01-01T00:00:00Z') },
  { accountId: 3003, amount: '0.20', createdAt: at('2026-01-01T00:00:01Z') },
];

export const demoSales: NewSalesRecord[] = [
  { region: 'EMEA', saleDate: at('2026-01-05'), revenue: '1200.00' },
  { region: 'EMEA', saleDate: at('2026-01-05'), revenue: '310.50' },
  { region: 'EMEA', saleDate: at('2026-01-12'), revenue: '-75.00' },
  { region: 'EMEA', saleDate: at('2026-01-19'), revenue: '980.25' },
  { region: 'APAC', saleDate: at('2026-01-06'), revenue: '640.00' },
  { region: 'APAC', saleDate: at('2026-01-13'), revenue: '640.00' },
  { region: 'APAC', saleDate: at('2026-01-20'), revenue: '1999.99' },
  { region: 'AMER', saleDate: at('2026-01-07'), revenue: '5000.00' },
  { region: 'AMER', saleDate: at('2026-01-14'), revenue: '-250.00' },
  { region: 'AMER', saleDate: at('2026-01-14'), revenue: '420.00' },
];
