// What the `ws` fallback costs against uWebSockets.js, as printed in the
// start-up notice. Measured with `npm run bench:gateway -- --quick` under
// ORDO_TRANSPORT=uws and ORDO_TRANSPORT=ws on Node 20 (the one runtime where
// both run on the reference machine); README.md "Runtime support" has the
// table these come from.

export const FALLBACK_COST = {
  measured: 'bench:gateway, Node 20, 2-core machine shared with other jobs, the ws transport against uWebSockets.js 20.30',
  lines: [
    'fan-out to 100 subscribers about 40% lower (medians 4.9 M vs 8.8 M msg/s; 3.9 M vs 6.3 M in longer runs)',
    '1 -> 1 publish/deliver about 25-35% lower (0.82 M vs 1.10 M msg/s; 0.70 M vs 1.05 M)',
    'about 5x the server memory per idle connection (10.9 KB vs 2.1 KB)',
  ],
} as const
