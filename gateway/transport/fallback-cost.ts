// What the `ws` fallback costs against uWebSockets.js, as printed in the
// start-up notice. Measured with `npm run bench:gateway -- --quick` under
// ORDO_TRANSPORT=uws and ORDO_TRANSPORT=ws on Node 20 (the one runtime where
// both run on the reference machine); README.md "Runtime support" has the
// table these come from.

export const FALLBACK_COST = {
  measured: 'TO BE MEASURED',
  lines: ['TO BE MEASURED'],
} as const
