import { startPolynomialsPage } from './polynomials-page';

startPolynomialsPage();
