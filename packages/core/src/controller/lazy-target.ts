import type { Target } from '../targets/index.js';

/**
 * A Target that is opened on first use. A deployment stopped by validation or policy never touches its target
 * (no agent started, no cluster call): "before anything is changed" includes starting things.
 */
export function lazyTarget(open: () => Promise<Target>, description: string): Target {
  let opened: Promise<Target> | undefined;
  const target = () => (opened ??= open());
  return {
    description,
    router: {
      setWeights: async (...args) => (await target()).router.setWeights(...args),
      switchTo: async (...args) => (await target()).router.switchTo(...args),
      getState: async (...args) => (await target()).router.getState(...args),
    },
    metrics: { read: async (...args) => (await target()).metrics.read(...args) },
    deploy: async (...args) => (await target()).deploy(...args),
    scale: async (...args) => (await target()).scale(...args),
    remove: async (...args) => (await target()).remove(...args),
    health: async (...args) => (await target()).health(...args),
    directUrls: async (...args) => (await target()).directUrls(...args),
    pruneManifests: async (kept) => {
      const opened = await target();
      return opened.pruneManifests ? opened.pruneManifests(kept) : [];
    },
    applyManifests: async (documents) => {
      const opened = await target();
      return opened.applyManifests ? opened.applyManifests(documents) : [];
    },
  };
}
