import type { App } from 'vue'
import * as Icons from '@element-plus/icons-vue'

/** Registers every Element Plus icon as <el-icon-name /> (ElIconName). */
export const icons = {
  install(app: App): void {
    for (const [name, comp] of Object.entries(Icons)) app.component(`ElIcon${name}`, comp)
  },
}
