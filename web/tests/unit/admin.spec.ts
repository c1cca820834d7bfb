import { describe, expect, it } from 'vitest'
import {
  describeUserAgent,
  formatBytes,
  formatLatency,
  formatPerMinute,
  formatRate,
  formatUptime,
  jobAction,
  jobCounts,
  jobTagType,
  unreadCount,
  usedPercent,
} from '@/utils/admin'

describe('formatBytes', () => {
  it('uses binary units with one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(9822208)).toBe('9.4 MB')
    expect(formatBytes(70623989760)).toBe('66 GB')
    expect(formatBytes(270553174016)).toBe('252 GB')
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.0 TB')
  })
  it('shows a dash for unknown sizes', () => {
    expect(formatBytes(null)).toBe('—')
    expect(formatBytes(undefined)).toBe('—')
    expect(formatBytes(-1)).toBe('—')
    expect(formatBytes(Number.NaN)).toBe('—')
  })
})

describe('formatUptime', () => {
  it('shows the two largest units in Chinese', () => {
    expect(formatUptime(16, 'zh-CN')).toBe('16秒')
    expect(formatUptime(42 * 60 + 5, 'zh-CN')).toBe('42分钟')
    expect(formatUptime(5 * 3600 + 12 * 60, 'zh-CN')).toBe('5小时 12分钟')
    expect(formatUptime(3600, 'zh-CN')).toBe('1小时')
    expect(formatUptime(3 * 86400 + 4 * 3600 + 59, 'zh-CN')).toBe('3天 4小时')
    expect(formatUptime(2 * 86400, 'zh-CN')).toBe('2天')
  })
  it('speaks English too', () => {
    expect(formatUptime(3 * 86400 + 4 * 3600, 'en')).toBe('3d 4h')
    expect(formatUptime(5 * 3600 + 12 * 60, 'en')).toBe('5h 12 min')
    expect(formatUptime(9, 'en')).toBe('9s')
  })
  it('shows a dash when unknown', () => {
    expect(formatUptime(null, 'zh-CN')).toBe('—')
    expect(formatUptime(-5, 'en')).toBe('—')
  })
})

describe('disk and job helpers', () => {
  it('computes the used share of a disk', () => {
    expect(usedPercent(25, 100)).toBe(75)
    expect(usedPercent(70623989760, 270553174016)).toBe(73.9)
    expect(usedPercent(null, 100)).toBeNull()
    expect(usedPercent(10, 0)).toBeNull()
  })
  it('sums job counts by state', () => {
    expect(jobCounts([['queued', 1], ['failed', 2], ['queued', 3]])).toEqual({ queued: 4, failed: 2 })
    expect(jobCounts(null)).toEqual({})
  })
  it('offers pause, resume or retry by state', () => {
    expect(jobAction('queued')).toBe('pause')
    expect(jobAction('paused')).toBe('resume')
    expect(jobAction('failed')).toBe('retry')
    expect(jobAction('running')).toBeNull()
    expect(jobAction('done')).toBeNull()
    expect(jobTagType('failed')).toBe('danger')
    expect(jobTagType('done')).toBe('success')
    expect(jobTagType('queued')).toBe('info')
  })
})

describe('describeUserAgent', () => {
  it('names the browser and system', () => {
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36')).toBe('Chrome 120 · Windows')
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0')).toBe('Edge 120 · Windows')
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe('Firefox 121 · Linux')
    expect(describeUserAgent('curl/7.88.1')).toBe('curl/7.88.1')
    expect(describeUserAgent(null)).toBe('—')
  })
})

describe('unreadCount', () => {
  it('counts notices by read and inbox messages by read_at', () => {
    expect(unreadCount([{ read: true }, { read: false }, { read: false }])).toBe(2)
    expect(unreadCount([{ read_at: null }, { read_at: '2026-11-25T00:00:00Z' }])).toBe(1)
    expect(unreadCount([])).toBe(0)
  })
})

describe('traffic figures', () => {
  it('shows the 5xx share as a percentage', () => {
    expect(formatRate(0)).toBe('0%')
    expect(formatRate(0.004)).toBe('0.4%')
    expect(formatRate(0.05)).toBe('5%')
    expect(formatRate(0.125)).toBe('12.5%')
    expect(formatRate(1)).toBe('100%')
    expect(formatRate(0.0004)).toBe('<0.1%')
    expect(formatRate(null)).toBe('—')
    expect(formatRate(Number.NaN)).toBe('—')
  })
  it('shows requests per minute with at most one decimal', () => {
    expect(formatPerMinute(11.5)).toBe('11.5')
    expect(formatPerMinute(3)).toBe('3')
    expect(formatPerMinute(2.04)).toBe('2')
    expect(formatPerMinute(0)).toBe('0')
    expect(formatPerMinute(undefined)).toBe('—')
  })
  it('shows a latency percentile as an upper bound', () => {
    expect(formatLatency(20)).toBe('≤ 20 ms')
    expect(formatLatency(2.5)).toBe('≤ 2.5 ms')
    expect(formatLatency(250)).toBe('≤ 250 ms')
    expect(formatLatency(1000)).toBe('≤ 1 s')
    expect(formatLatency(2500)).toBe('≤ 2.5 s')
    expect(formatLatency(null)).toBe('—')
  })
})
