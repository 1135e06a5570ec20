import { startTheoryPage } from './theory-page';

startTheoryPage();
