export const alphaProduct = 'alpha.readings.v1';
