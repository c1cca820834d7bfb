import { describe, expect, it } from 'vitest'
import { MENU, filterMenu, leaves, menuTrail } from '@/utils/menu'

// Default permissions of the roles (crates/domain/src/auth.rs).
const PERMS: Record<string, string[]> = {
  system_admin: ['org.read', 'org.manage', 'account.read', 'account.manage', 'calendar.manage'],
  security_admin: ['org.read', 'account.read', 'account.grant', 'account.unlock', 'role.manage'],
  auditor: ['audit.read'],
  bureau_leader: [
    'org.read', 'org.manage', 'account.read', 'roster.read', 'roster.manage', 'enterprise.read', 'enterprise.export',
    'catalog.read', 'catalog.manage', 'request.read', 'request.approve', 'policy.read', 'policy.manage', 'reminder.read',
    'reminder.manage',
  ],
  station_manager: [
    'org.read', 'org.manage', 'account.read', 'roster.read', 'roster.manage', 'enterprise.read', 'enterprise.write',
    'catalog.read', 'catalog.manage', 'request.read', 'request.intake', 'request.handle', 'request.approve', 'policy.read',
    'policy.manage', 'reminder.read', 'reminder.manage',
  ],
  specialist: ['org.read', 'roster.read', 'enterprise.read', 'enterprise.write', 'catalog.read', 'request.read', 'request.intake', 'request.handle', 'policy.read', 'reminder.read'],
  department_handler: ['org.read', 'enterprise.read', 'catalog.read', 'request.read', 'request.handle', 'policy.read'],
  enterprise_user: ['portal.use'],
}

const paths = (perms: string[]) => leaves(filterMenu(MENU, perms)).map((i) => i.path)

describe('permission-based menu', () => {
  it('shows every module to a bureau leader except the audit log', () => {
    const p = paths(PERMS.bureau_leader)
    expect(p).toContain('/dashboard')
    expect(p).toContain('/enterprises')
    expect(p).toContain('/projects')
    expect(p).toContain('/system/org')
    expect(p).toContain('/system/accounts')
    expect(p).toContain('/system/duty')
    expect(p).not.toContain('/system/audit')
  })

  it('gives the auditor the dashboard and the audit log only', () => {
    expect(paths(PERMS.auditor)).toEqual(['/dashboard', '/system/audit', '/system/login-log'])
  })

  it('gives the admin roles no business modules', () => {
    for (const role of ['system_admin', 'security_admin']) {
      const p = paths(PERMS[role])
      expect(p).not.toContain('/enterprises')
      expect(p).not.toContain('/catalog')
      expect(p).toContain('/system/accounts')
    }
    expect(paths(PERMS.system_admin)).not.toContain('/system/duty')
  })

  it('offers 政策服务 as a working page to policy.read holders only', () => {
    for (const role of ['bureau_leader', 'station_manager', 'specialist', 'department_handler']) expect(paths(PERMS[role])).toContain('/policies')
    for (const role of ['system_admin', 'security_admin', 'auditor', 'enterprise_user']) expect(paths(PERMS[role])).not.toContain('/policies')
    expect(paths(['enterprise.read'])).not.toContain('/policies')
    expect(leaves(MENU).find((i) => i.path === '/policies')?.comingSoon).toBeFalsy()
  })

  it('drops a group with no visible child', () => {
    const menu = filterMenu(MENU, [])
    expect(menu.map((m) => m.path ?? m.title)).toEqual(['/dashboard'])
  })

  it('gives an enterprise user the portal alone', () => {
    const menu = filterMenu(MENU, PERMS.enterprise_user)
    expect(menu.map((m) => m.path ?? m.title)).toEqual(['menu.portal'])
    expect(paths(PERMS.enterprise_user)).toEqual(['/portal', '/portal/items', '/portal/requests', '/portal/inbox', '/portal/policies', '/portal/newsletters'])
    // No staff dashboard, no "coming soon" business modules.
    expect(paths(PERMS.enterprise_user)).not.toContain('/dashboard')
    expect(paths(PERMS.enterprise_user)).not.toContain('/visits')
  })

  it('hides the portal from staff, even those who may manage portal accounts', () => {
    for (const role of ['bureau_leader', 'station_manager', 'specialist', 'auditor', 'system_admin']) {
      expect(paths(PERMS[role]).some((p) => p?.startsWith('/portal'))).toBe(false)
    }
    expect(paths([...PERMS.specialist, 'portal.manage', 'portal.use'])).not.toContain('/portal')
  })

  it('keeps only the allowed children of a group', () => {
    const system = filterMenu(MENU, PERMS.specialist).find((m) => m.title === 'menu.system')
    expect(system?.children?.map((c) => c.path)).toEqual(['/system/org', '/system/duty'])
  })

  it('offers label management to org.manage with bureau or system-wide scope only', () => {
    const labels = (perms: string[], scope?: 'all' | 'bureau' | 'station') => leaves(filterMenu(MENU, perms, scope)).map((i) => i.path).includes('/system/labels')
    expect(labels(PERMS.bureau_leader, 'bureau')).toBe(true)
    expect(labels(PERMS.system_admin, 'all')).toBe(true)
    // A station manager holds org.manage for the station only.
    expect(labels([...PERMS.specialist, 'org.manage'], 'station')).toBe(false)
    expect(labels(PERMS.specialist, 'bureau')).toBe(false)
    expect(labels(PERMS.bureau_leader)).toBe(false)
  })

  it('lists all the modules of the platform', () => {
    expect(leaves(MENU)).toHaveLength(36)
  })

  it('offers window intake to the window officers and the queue to everyone who reads requests', () => {
    for (const role of ['specialist', 'station_manager']) {
      expect(paths(PERMS[role])).toEqual(expect.arrayContaining(['/catalog', '/requests/intake', '/requests', '/requests/figures']))
    }
    const handler = paths(PERMS.department_handler)
    expect(handler).toContain('/requests')
    expect(handler).toContain('/catalog')
    expect(handler).not.toContain('/requests/intake')
    const leader = paths(PERMS.bureau_leader)
    expect(leader).toContain('/requests/figures')
    expect(leader).not.toContain('/requests/intake')
    expect(paths(PERMS.enterprise_user)).not.toContain('/requests')
  })

  it('shows the working-day calendar to calendar.manage and roster.manage', () => {
    expect(paths(PERMS.system_admin)).toContain('/system/calendar')
    expect(paths(PERMS.station_manager)).toContain('/system/calendar')
    expect(paths(PERMS.bureau_leader)).toContain('/system/calendar')
    expect(paths(PERMS.specialist)).not.toContain('/system/calendar')
    expect(paths(PERMS.system_admin)).not.toContain('/catalog')
  })

  it('groups the one-door screens under one menu entry', () => {
    expect(menuTrail('/requests/intake').map((i) => i.title)).toEqual(['menu.requests', 'menu.intake'])
    expect(menuTrail('/system/calendar').map((i) => i.title)).toEqual(['menu.system', 'menu.calendar'])
  })

  it('groups the reminder screens for reminder.read holders', () => {
    for (const role of ['bureau_leader', 'station_manager', 'specialist']) {
      const group = filterMenu(MENU, PERMS[role]).find((m) => m.title === 'menu.reminders')
      expect(group?.children?.map((c) => c.path)).toEqual(['/reminders/calendar', '/reminders/rules', '/reminders/deliveries'])
    }
    for (const role of ['department_handler', 'auditor', 'system_admin', 'enterprise_user']) {
      expect(paths(PERMS[role]).some((p) => p?.startsWith('/reminders'))).toBe(false)
    }
    expect(leaves(MENU).filter((i) => i.path?.startsWith('/reminders')).every((i) => !i.comingSoon)).toBe(true)
    expect(menuTrail('/reminders/rules').map((i) => i.title)).toEqual(['menu.reminders', 'menu.reminderRules'])
  })

  it('puts the portal pages under one group', () => {
    expect(menuTrail('/portal/items').map((i) => i.title)).toEqual(['menu.portal', 'menu.portalItems'])
  })

  it('builds the breadcrumb trail', () => {
    expect(menuTrail('/system/duty').map((i) => i.title)).toEqual(['menu.system', 'menu.duty'])
    expect(menuTrail('/nowhere')).toEqual([])
  })
})

describe('admin console menu', () => {
  it('shows each console page to the permission it needs', () => {
    const sec = filterMenu(MENU, ['session.manage', 'account.read'])
    const secPaths = leaves(sec).map((i) => i.path)
    expect(secPaths).toContain('/system/sessions')
    expect(secPaths).not.toContain('/system/monitor')
    const sys = leaves(filterMenu(MENU, ['system.monitor', 'param.manage', 'job.manage', 'notice.manage'])).map((i) => i.path)
    expect(sys).toEqual(expect.arrayContaining(['/system/monitor', '/system/jobs', '/system/parameters', '/system/notices']))
    expect(sys).not.toContain('/system/sessions')
  })
  it('puts the newsletter under 政策服务 for policy readers', () => {
    const menu = filterMenu(MENU, ['policy.read'])
    const group = menu.find((m) => m.title === 'menu.policies')
    expect(group?.children?.map((c) => c.path)).toEqual(['/policies', '/newsletters'])
  })
})
