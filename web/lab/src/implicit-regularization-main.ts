import { startImplicitRegularizationPage } from './implicit-regularization-page';

startImplicitRegularizationPage();
