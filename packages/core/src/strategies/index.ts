import { ValidationError } from '../errors/index.js';
import type { StrategyType } from '../model/index.js';
import { blueGreenStrategy } from './blue-green.js';
import { canaryStrategy } from './canary.js';
import { rollingStrategy } from './rolling.js';
import type { Strategy } from './strategy.js';

export type { Strategy, PlannedStep, PlannedComponent, PlanInput } from './strategy.js';

/** The one table of rollout strategies. */
export const STRATEGIES: Readonly<Record<StrategyType, Strategy>> = {
  ROLLING: rollingStrategy,
  BLUE_GREEN: blueGreenStrategy,
  CANARY: canaryStrategy,
};

export function strategyFor(type: string): Strategy {
  const strategy = (STRATEGIES as Record<string, Strategy | undefined>)[type];
  if (!strategy) {
    throw new ValidationError(`unknown strategy "${type}"; known: ${Object.keys(STRATEGIES).join(', ')}`, {
      code: 'UNKNOWN_STRATEGY',
      path: 'strategy.type',
      expected: Object.keys(STRATEGIES).join(' | '),
    });
  }
  return strategy;
}
