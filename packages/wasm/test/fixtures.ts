export * from '../../cells/test/fixtures';
