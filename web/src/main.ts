import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { icons } from './plugins/icons'
import { router } from './router'
import { i18n, initLocale } from './i18n'
import { configureHttp } from './api/http'
import { useAuth } from './stores/auth'
import './styles.css'

initLocale()

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(ElementPlus)
app.use(icons)

const auth = useAuth()
configureHttp({
  onSessionLost: () => {
    const wasIn = auth.me !== null
    auth.forget()
    const here = router.currentRoute.value
    if (here.name === 'login') return
    void router.push({
      name: 'login',
      query: { ...(wasIn ? { expired: '1' } : {}), redirect: here.fullPath },
    })
  },
  onForcedStep: () => {
    void auth.refresh().finally(() => {
      void router.push({ name: 'setup' })
    })
  },
})

app.use(router)
app.mount('#app')
