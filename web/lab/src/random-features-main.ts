import { startRandomFeaturesPage } from './random-features-page';

startRandomFeaturesPage();
