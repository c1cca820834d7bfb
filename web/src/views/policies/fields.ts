// The archive fields a rule can test (GET /api/policies/fields), loaded once per page load and
// shared by the criteria view, the rule builder and the matches tab.
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { api } from '@/api'
import type { PolicyField, RuleCondition } from '@/api'
import { currentLocale } from '@/i18n'
import { conditionSentence, type Tr } from '@/utils/policy-rule'

const fields = ref<PolicyField[]>([])
let loading: Promise<void> | null = null

function load(): Promise<void> {
  if (!loading) {
    loading = api.policies
      .fields()
      .then((f) => {
        fields.value = f
      })
      .catch((e) => {
        loading = null
        throw e
      })
  }
  return loading
}

export function usePolicyFields() {
  void load().catch(() => {})
  const { t } = useI18n()
  const tr: Tr = (k, p) => (p ? t(k, p) : t(k))
  const byName = computed(() => new Map(fields.value.map((f) => [f.name, f])))
  const sentence = (c: RuleCondition) => conditionSentence(c, fields.value, tr, currentLocale.value)
  return { fields, byName, ready: load, sentence, tr }
}
