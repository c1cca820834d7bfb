import { describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { ApiError } from '@/api/http'
import { errorText, showError } from '@/utils/notify'

vi.mock('element-plus', () => ({ ElMessage: { error: vi.fn() } }))

describe('error toasts', () => {
  it('shows the server message, including 403 auth.forbidden', () => {
    showError(new ApiError(403, { code: 'auth.forbidden', message: '没有执行此操作的权限' }))
    expect(ElMessage.error).toHaveBeenCalledWith(expect.objectContaining({ message: '没有执行此操作的权限' }))
  })

  it('stays quiet for what the app handles by navigating', () => {
    vi.mocked(ElMessage.error).mockClear()
    showError(new ApiError(401, { code: 'auth.session_expired', message: '登录已过期' }))
    showError(new ApiError(403, { code: 'auth.password_change_required', message: '请先修改密码' }))
    expect(ElMessage.error).not.toHaveBeenCalled()
  })

  it('falls back to local texts', () => {
    expect(errorText(new ApiError(0, { code: 'network', message: '' }))).toBe('无法连接服务器，请检查网络后重试。')
    expect(errorText(new ApiError(500, { code: 'internal', message: '', request_id: 'r9' }))).toContain('r9')
  })
})
