import { ElMessage } from 'element-plus'
import { ApiError, FORCED_CODES } from '@/api/http'
import { i18n } from '@/i18n'

/** The message to show for a failure: the server's localized message when it sent one. */
export function errorText(err: unknown): string {
  const t = i18n.global.t
  if (err instanceof ApiError) {
    if (err.status === 0) return t('common.networkError')
    if (err.message && err.message !== err.code) return err.message
    if (err.status === 403) return t('errors.http403')
    if (err.status === 404) return t('errors.http404')
    if (err.status >= 500) return t('errors.http500') + (err.requestId ? ` (${t('common.requestId', { id: err.requestId })})` : '')
    return err.code
  }
  if (err instanceof Error) return err.message
  return t('common.unknownError')
}

/** Shows a failure as a toast, except for the ones the app already handles (session lost,
 * forced account steps: both navigate away). */
export function showError(err: unknown): void {
  if (err instanceof ApiError && err.status === 401) return
  if (err instanceof ApiError && err.status === 403 && FORCED_CODES.includes(err.code)) return
  ElMessage.error({ message: errorText(err), grouping: true })
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409 && err.code === 'conflict.version'
}
