// What the rule builder page shares with its nested group and condition editors.
import { inject, type ComputedRef, type InjectionKey, type Ref } from 'vue'
import type { ConditionCount, ConditionResult, PolicyField } from '@/api'
import type { CondModel, GroupModel, LocalIssues, NodeModel, ParamModel, PlacedErrors, RuleModel } from '@/utils/policy-rule'

export interface BuilderContext {
  model: RuleModel
  fields: Ref<PolicyField[]>
  /** Incomplete conditions, empty groups, parameters without values. */
  issues: ComputedRef<LocalIssues>
  /** Show the local issues in red (after a save attempt); muted hints before. */
  strict: Ref<boolean>
  /** Errors the server put on nodes and parameters (preview or save). */
  server: Ref<PlacedErrors>
  /** Preview counts by condition id. */
  counts: ComputedRef<Map<string, ConditionCount>>
  /** How many enterprises the preview covered. */
  total: ComputedRef<number>
  /** The tested enterprise's outcome by condition id. */
  tested: ComputedRef<Map<string, ConditionResult>>
  addCondition: (g: GroupModel) => CondModel
  addGroup: (g: GroupModel) => GroupModel
  remove: (parent: GroupModel, n: NodeModel) => void
  /** The parameter a condition uses, created with one dated row when it has none. */
  paramFor: (c: CondModel) => ParamModel
  today: string
}

export const BUILDER: InjectionKey<BuilderContext> = Symbol('rule-builder')

export function useBuilder(): BuilderContext {
  const ctx = inject(BUILDER)
  if (!ctx) throw new Error('useBuilder outside the rule builder')
  return ctx
}
