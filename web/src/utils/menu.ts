// The left menu: every module of the platform, shown to a user according to the permissions
// (and, for a few items, the scope) in /api/me. A group is shown when at least one of its
// children is.
import type { ScopeKind } from '@/api/types'
import { isPortalUser } from './portal'

export interface MenuItem {
  /** Route path; groups have none. */
  path?: string
  /** i18n key of the label. */
  title: string
  /** Name of an @element-plus/icons-vue icon. */
  icon?: string
  /** The user needs at least one of these; empty or missing = every signed-in staff member. */
  anyOf?: string[]
  /** Only for users whose scope is one of these (e.g. bureau-wide settings); missing = any. */
  scopes?: ScopeKind[]
  /** Not for users holding any of these: they do the same on a fuller page (标签管理 → 字典管理). */
  noneOf?: string[]
  /** Built later: the route shows the "coming soon" page. */
  comingSoon?: boolean
  /** An item of the enterprise portal: shown to portal users, who see nothing else. */
  portal?: boolean
  children?: MenuItem[]
}

// Modules still being built ask for the permission they will use (codes the server does not
// know yet) or enterprise.read, which every business role holds; the admin roles (三员) and
// enterprise users do not see them.
const business = (...future: string[]) => [...future, 'enterprise.read']

// The enterprise portal (线上办事) needs portal.use: enterprise accounts see this group alone.
const portal = ['portal.use']

export const MENU: MenuItem[] = [
  {
    title: 'menu.portal',
    icon: 'House',
    portal: true,
    children: [
      { path: '/portal', title: 'menu.portalHome', icon: 'HomeFilled', anyOf: portal, portal: true },
      { path: '/portal/items', title: 'menu.portalItems', icon: 'Notebook', anyOf: portal, portal: true },
      { path: '/portal/requests', title: 'menu.portalRequests', icon: 'Files', anyOf: portal, portal: true },
      { path: '/portal/inbox', title: 'menu.portalInbox', icon: 'Message', anyOf: portal, portal: true },
      { path: '/portal/policies', title: 'menu.portalPolicies', icon: 'Medal', anyOf: portal, portal: true },
      { path: '/portal/newsletters', title: 'menu.portalNewsletters', icon: 'Reading', anyOf: portal, portal: true },
    ],
  },
  { path: '/dashboard', title: 'menu.dashboard', icon: 'Odometer' },
  { path: '/enterprises', title: 'menu.enterprises', icon: 'OfficeBuilding', anyOf: ['enterprise.read'] },
  { path: '/catalog', title: 'menu.catalog', icon: 'Tickets', anyOf: ['catalog.read', 'catalog.manage'] },
  {
    title: 'menu.requests',
    icon: 'Stamp',
    children: [
      { path: '/requests/intake', title: 'menu.intake', icon: 'EditPen', anyOf: ['request.intake'] },
      { path: '/requests', title: 'menu.requestList', icon: 'Files', anyOf: ['request.read'] },
      { path: '/requests/figures', title: 'menu.requestFigures', icon: 'DataLine', anyOf: ['request.read'] },
    ],
  },
  { path: '/visits', title: 'menu.visits', icon: 'ChatDotSquare', anyOf: business('visit.read', 'need.read'), comingSoon: true },
  {
    title: 'menu.policies',
    icon: 'Document',
    children: [
      { path: '/policies', title: 'menu.policyLibrary', icon: 'Document', anyOf: ['policy.read'] },
      { path: '/newsletters', title: 'menu.newsletters', icon: 'Reading', anyOf: ['policy.read'] },
    ],
  },
  { path: '/resources', title: 'menu.resources', icon: 'Connection', anyOf: business('resource.read'), comingSoon: true },
  { path: '/chains', title: 'menu.chains', icon: 'Share', anyOf: business('chain.read'), comingSoon: true },
  { path: '/events', title: 'menu.events', icon: 'Calendar', anyOf: business('event.read'), comingSoon: true },
  // Alarm-clock reminders (闹钟提醒): reminder.read sees them, reminder.manage edits the rules.
  {
    title: 'menu.reminders',
    icon: 'AlarmClock',
    children: [
      { path: '/reminders/calendar', title: 'menu.reminderCalendar', icon: 'Calendar', anyOf: ['reminder.read'] },
      { path: '/reminders/rules', title: 'menu.reminderRules', icon: 'SetUp', anyOf: ['reminder.read'] },
      { path: '/reminders/deliveries', title: 'menu.reminderDeliveries', icon: 'Promotion', anyOf: ['reminder.read'] },
    ],
  },
  { path: '/stats', title: 'menu.stats', icon: 'DataAnalysis', anyOf: business('stats.read'), comingSoon: true },
  { path: '/projects', title: 'menu.projects', icon: 'Flag', anyOf: business('project.read'), comingSoon: true },
  {
    title: 'menu.system',
    icon: 'Setting',
    children: [
      { path: '/system/org', title: 'menu.org', icon: 'Histogram', anyOf: ['org.read'] },
      // Enterprise labels: the server lets org.manage add them with bureau or system-wide scope.
      // Whoever maintains the dictionaries does it in 字典管理 (the labels are one of them).
      { path: '/system/labels', title: 'menu.labels', icon: 'PriceTag', anyOf: ['org.manage'], scopes: ['all', 'bureau'], noneOf: ['dict.manage'] },
      { path: '/system/accounts', title: 'menu.accounts', icon: 'User', anyOf: ['account.read', 'role.manage'] },
      { path: '/system/duty', title: 'menu.duty', icon: 'Clock', anyOf: ['roster.read'] },
      // The working-day calendar: holidays for calendar.manage, a station's closures for roster.manage.
      { path: '/system/calendar', title: 'menu.calendar', icon: 'Calendar', anyOf: ['calendar.manage', 'roster.manage'] },
      { path: '/system/notices', title: 'menu.notices', icon: 'Bell', anyOf: ['notice.manage'] },
      // The admin console: sessions (security admin), status, jobs and parameters (system admin).
      { path: '/system/sessions', title: 'menu.sessions', icon: 'Connection', anyOf: ['session.manage'] },
      { path: '/system/monitor', title: 'menu.monitor', icon: 'Monitor', anyOf: ['system.monitor'] },
      { path: '/system/jobs', title: 'menu.jobs', icon: 'Timer', anyOf: ['system.monitor'] },
      // 字典管理: labels, grades, catalog categories, certificate types, industries and the rest.
      { path: '/system/dicts', title: 'menu.dicts', icon: 'Collection', anyOf: ['dict.manage'] },
      { path: '/system/parameters', title: 'menu.parameters', icon: 'Operation', anyOf: ['param.manage'] },
      { path: '/system/audit', title: 'menu.audit', icon: 'List', anyOf: ['audit.read'] },
      { path: '/system/login-log', title: 'menu.loginLog', icon: 'Key', anyOf: ['audit.read'] },
    ],
  },
]

export function allowed(item: Pick<MenuItem, 'anyOf' | 'scopes' | 'noneOf'>, permissions: readonly string[], scope?: ScopeKind | null): boolean {
  if (item.scopes && item.scopes.length > 0 && !(scope && item.scopes.includes(scope))) return false
  if (item.noneOf?.some((p) => permissions.includes(p))) return false
  if (!item.anyOf || item.anyOf.length === 0) return true
  return item.anyOf.some((p) => permissions.includes(p))
}

/** The menu as one user sees it: a portal user (portal.use without request.read) the portal
 * items alone, staff everything else their permissions allow. */
export function filterMenu(items: readonly MenuItem[], permissions: readonly string[], scope?: ScopeKind | null): MenuItem[] {
  const portalUser = isPortalUser(permissions)
  const out: MenuItem[] = []
  for (const item of items) {
    if (Boolean(item.portal) !== portalUser) continue
    if (item.children) {
      if (!allowed(item, permissions, scope)) continue
      const children = filterMenu(item.children, permissions, scope)
      if (children.length > 0) out.push({ ...item, children })
    } else if (allowed(item, permissions, scope)) {
      out.push(item)
    }
  }
  return out
}

/** Finds the trail of menu items leading to a path (for the breadcrumb). */
export function menuTrail(path: string, items: readonly MenuItem[] = MENU): MenuItem[] {
  for (const item of items) {
    if (item.path === path) return [item]
    if (item.children) {
      const sub = menuTrail(path, item.children)
      if (sub.length) return [item, ...sub]
    }
  }
  return []
}

/** Flat list of leaf items (for the router). */
export function leaves(items: readonly MenuItem[] = MENU): MenuItem[] {
  return items.flatMap((i) => (i.children ? leaves(i.children) : [i]))
}
