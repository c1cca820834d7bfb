import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuth } from '@/stores/auth'
import { MENU, allowed, leaves } from '@/utils/menu'
import type { ScopeKind } from '@/api/types'
import { PORTAL_HOME, homePath, isPortalUser } from '@/utils/portal'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean
    /** i18n key of the page title. */
    title?: string
    /** At least one of these permissions. */
    anyOf?: string[]
    /** Only for these scopes (see MenuItem.scopes). */
    scopes?: ScopeKind[]
    /** The menu item a page belongs to when it is not one itself (highlight, breadcrumb). */
    menu?: string
  }
}

const comingSoon: RouteRecordRaw[] = leaves(MENU)
  .filter((i) => i.comingSoon && i.path)
  .map((i) => ({
    path: i.path!.slice(1),
    component: () => import('@/views/ComingSoonView.vue'),
    meta: { title: i.title, anyOf: i.anyOf },
  }))

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
  { path: '/setup', name: 'setup', component: () => import('@/views/account/SetupView.vue'), meta: { title: 'security.forcedTitle' } },
  {
    path: '/',
    component: () => import('@/layouts/MainLayout.vue'),
    redirect: '/dashboard',
    children: [
      { path: 'dashboard', name: 'dashboard', component: () => import('@/views/DashboardView.vue'), meta: { title: 'menu.dashboard' } },
      // The enterprise portal (线上办事).
      {
        path: 'portal',
        name: 'portal',
        component: () => import('@/views/portal/PortalHomeView.vue'),
        meta: { title: 'menu.portalHome', anyOf: ['portal.use'] },
      },
      {
        path: 'portal/items',
        name: 'portal-items',
        component: () => import('@/views/portal/PortalItemsView.vue'),
        meta: { title: 'menu.portalItems', anyOf: ['portal.use'] },
      },
      {
        path: 'portal/items/:id',
        name: 'portal-item',
        component: () => import('@/views/portal/PortalItemView.vue'),
        meta: { title: 'portal.item.title', anyOf: ['portal.use'], menu: '/portal/items' },
      },
      {
        path: 'portal/apply/:itemId',
        name: 'portal-apply',
        component: () => import('@/views/portal/PortalApplyView.vue'),
        meta: { title: 'portal.apply.title', anyOf: ['portal.use'], menu: '/portal/items' },
      },
      {
        path: 'portal/requests',
        name: 'portal-requests',
        component: () => import('@/views/portal/PortalRequestsView.vue'),
        meta: { title: 'menu.portalRequests', anyOf: ['portal.use'] },
      },
      {
        path: 'portal/requests/:id',
        name: 'portal-request',
        component: () => import('@/views/portal/PortalRequestView.vue'),
        meta: { title: 'portal.req.title', anyOf: ['portal.use'], menu: '/portal/requests' },
      },
      {
        path: 'portal/inbox',
        name: 'portal-inbox',
        component: () => import('@/views/portal/PortalInboxView.vue'),
        meta: { title: 'menu.portalInbox', anyOf: ['portal.use'] },
      },
      {
        path: 'portal/policies',
        name: 'portal-policies',
        component: () => import('@/views/portal/PortalPoliciesView.vue'),
        meta: { title: 'menu.portalPolicies', anyOf: ['portal.use'] },
      },
      {
        path: 'portal/newsletters',
        name: 'portal-newsletters',
        component: () => import('@/views/portal/PortalNewslettersView.vue'),
        meta: { title: 'menu.portalNewsletters', anyOf: ['portal.use'] },
      },
      { path: 'security', name: 'security', component: () => import('@/views/account/SecurityView.vue'), meta: { title: 'menu.security' } },
      ...comingSoon,
      {
        path: 'enterprises',
        name: 'enterprises',
        component: () => import('@/views/enterprises/EnterpriseListView.vue'),
        meta: { title: 'menu.enterprises', anyOf: ['enterprise.read'] },
      },
      {
        path: 'archive/:id',
        name: 'archive',
        component: () => import('@/views/enterprises/EnterpriseProfileView.vue'),
        meta: { title: 'ent.profile', anyOf: ['enterprise.read'], menu: '/enterprises' },
      },
      {
        path: 'catalog',
        name: 'catalog',
        component: () => import('@/views/catalog/CatalogView.vue'),
        meta: { title: 'menu.catalog', anyOf: ['catalog.read', 'catalog.manage'] },
      },
      {
        path: 'catalog/items/:id',
        name: 'catalog-item',
        component: () => import('@/views/catalog/ItemGuideView.vue'),
        meta: { title: 'cat.guide', anyOf: ['catalog.read', 'catalog.manage'], menu: '/catalog' },
      },
      {
        path: 'requests',
        name: 'requests',
        component: () => import('@/views/requests/RequestListView.vue'),
        meta: { title: 'menu.requestList', anyOf: ['request.read'] },
      },
      {
        path: 'requests/intake',
        name: 'intake',
        component: () => import('@/views/requests/IntakeView.vue'),
        meta: { title: 'menu.intake', anyOf: ['request.intake'] },
      },
      {
        path: 'requests/figures',
        name: 'request-figures',
        component: () => import('@/views/requests/FiguresView.vue'),
        meta: { title: 'menu.requestFigures', anyOf: ['request.read'] },
      },
      {
        path: 'requests/:id',
        name: 'request',
        component: () => import('@/views/requests/RequestDetailView.vue'),
        meta: { title: 'req.detail.title', anyOf: ['request.read'], menu: '/requests' },
      },
      {
        path: 'policies',
        name: 'policies',
        component: () => import('@/views/policies/PolicyListView.vue'),
        meta: { title: 'menu.policies', anyOf: ['policy.read'] },
      },
      {
        path: 'policies/:id',
        name: 'policy',
        component: () => import('@/views/policies/PolicyDetailView.vue'),
        meta: { title: 'pol.detail', anyOf: ['policy.read'], menu: '/policies' },
      },
      {
        path: 'policies/:id/rule',
        name: 'policy-rule',
        component: () => import('@/views/policies/RuleBuilderView.vue'),
        meta: { title: 'pol.builder.title', anyOf: ['policy.manage'], menu: '/policies' },
      },
      { path: 'system/org', component: () => import('@/views/system/OrgView.vue'), meta: { title: 'menu.org', anyOf: ['org.read'] } },
      {
        path: 'system/accounts',
        component: () => import('@/views/system/AccountsView.vue'),
        meta: { title: 'menu.accounts', anyOf: ['account.read', 'role.manage'] },
      },
      {
        path: 'system/labels',
        component: () => import('@/views/system/LabelsView.vue'),
        meta: { title: 'menu.labels', anyOf: ['org.manage'], scopes: ['all', 'bureau'] },
        // Whoever maintains the dictionaries keeps the labels in 字典管理.
        beforeEnter: () => (useAuth().can('dict.manage') ? { path: '/system/dicts', query: { dict: 'enterprise_label' } } : true),
      },
      {
        path: 'system/dicts',
        component: () => import('@/views/system/admin/DictsView.vue'),
        meta: { title: 'menu.dicts', anyOf: ['dict.manage'] },
      },
      {
        path: 'system/calendar',
        component: () => import('@/views/system/CalendarView.vue'),
        meta: { title: 'menu.calendar', anyOf: ['calendar.manage', 'roster.manage'] },
      },
      { path: 'system/duty', component: () => import('@/views/system/DutyView.vue'), meta: { title: 'menu.duty', anyOf: ['roster.read'] } },
      { path: 'system/audit', component: () => import('@/views/system/AuditView.vue'), meta: { title: 'menu.audit', anyOf: ['audit.read'] } },
      {
        path: 'system/login-log',
        component: () => import('@/views/system/AuditView.vue'),
        props: { loginOnly: true },
        meta: { title: 'menu.loginLog', anyOf: ['audit.read'] },
      },
      { path: 'system/sessions', component: () => import('@/views/system/admin/SessionsView.vue'), meta: { title: 'menu.sessions', anyOf: ['session.manage'] } },
      { path: 'system/monitor', component: () => import('@/views/system/admin/MonitorView.vue'), meta: { title: 'menu.monitor', anyOf: ['system.monitor'] } },
      { path: 'system/jobs', component: () => import('@/views/system/admin/JobsView.vue'), meta: { title: 'menu.jobs', anyOf: ['system.monitor'] } },
      {
        path: 'system/parameters',
        component: () => import('@/views/system/admin/ParametersView.vue'),
        meta: { title: 'menu.parameters', anyOf: ['param.manage'] },
      },
      { path: 'system/notices', component: () => import('@/views/system/admin/NoticesView.vue'), meta: { title: 'menu.notices', anyOf: ['notice.manage'] } },
      { path: 'reminders', redirect: '/reminders/calendar' },
      {
        path: 'reminders/calendar',
        component: () => import('@/views/reminders/ReminderCalendarView.vue'),
        meta: { title: 'menu.reminderCalendar', anyOf: ['reminder.read'] },
      },
      {
        path: 'reminders/rules',
        component: () => import('@/views/reminders/RulesView.vue'),
        meta: { title: 'menu.reminderRules', anyOf: ['reminder.read'] },
      },
      {
        path: 'reminders/deliveries',
        component: () => import('@/views/reminders/DeliveriesView.vue'),
        meta: { title: 'menu.reminderDeliveries', anyOf: ['reminder.read'] },
      },
      // 我的消息: every signed-in staff member's inbox (reached from the header).
      { path: 'inbox', name: 'inbox', component: () => import('@/views/inbox/InboxView.vue'), meta: { title: 'menu.inbox' } },
      {
        path: 'newsletters',
        name: 'newsletters',
        component: () => import('@/views/policies/NewslettersView.vue'),
        meta: { title: 'menu.newsletters', anyOf: ['policy.read'] },
      },
      { path: '403', name: 'forbidden', component: () => import('@/views/ForbiddenView.vue'), meta: { title: 'forbidden.title' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'notFound.title' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
})

router.beforeEach(async (to) => {
  const auth = useAuth()
  void auth.loadMeta()
  if (!auth.probed) await auth.probe()

  if (to.meta.public) {
    if (to.name === 'login' && auth.me && !to.query.expired) return { path: homePath(auth.permissions) }
    return true
  }
  if (!auth.me) {
    return { name: 'login', query: to.fullPath !== '/' && to.fullPath !== '/dashboard' ? { redirect: to.fullPath } : {} }
  }
  if (auth.needsSetup && to.name !== 'setup') return { name: 'setup' }
  if (!auth.needsSetup && to.name === 'setup') return { path: homePath(auth.permissions) }
  // An enterprise account works in the portal: the staff dashboard is not its home.
  if (to.name === 'dashboard' && isPortalUser(auth.permissions)) return { path: PORTAL_HOME }
  // An enterprise account's messages are in the portal's 消息中心.
  if (to.name === 'inbox' && isPortalUser(auth.permissions)) return { path: '/portal/inbox' }
  if ((to.meta.anyOf || to.meta.scopes) && !allowed({ anyOf: to.meta.anyOf, scopes: to.meta.scopes }, auth.permissions, auth.me.scope?.kind)) {
    return { name: 'forbidden' }
  }
  return true
})
