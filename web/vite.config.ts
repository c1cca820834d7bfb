/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const apiTarget = process.env.ZT_API ?? 'http://127.0.0.1:8080'

// The dev server stands in for the backend's own origin: the backend refuses state-changing
// requests whose Origin names another host (docs/api.md), so the proxy presents the target's.
const proxy = {
  target: apiTarget,
  changeOrigin: true,
  configure: (p: { on: (ev: 'proxyReq', fn: (req: { getHeader: (n: string) => unknown; setHeader: (n: string, v: string) => void }) => void) => void }) => {
    p.on('proxyReq', (req) => {
      if (req.getHeader('origin')) req.setHeader('origin', apiTarget)
    })
  },
}

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: { '/api': proxy, '/healthz': proxy },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element-plus'
          if (/node_modules\/(echarts|zrender|vue-echarts)\//.test(id)) return 'echarts'
          if (id.includes('node_modules')) return 'vendor'
          return undefined
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.spec.ts'],
    reporters: ['default', './tools/vitest-summary.ts'],
  },
})
