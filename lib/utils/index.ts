export * as data from './data';
