import { startNetworksPage } from './networks-page';

startNetworksPage();
