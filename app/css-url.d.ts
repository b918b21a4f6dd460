// A stylesheet import is its URL: the classic compiler's css loader exports the built
// file's href (app/root.tsx). The only thing tsconfig's vite/client types were used for.
declare module "*.css?url" {
  const href: string;
  export default href;
}
