import * as React from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { TEST_ORIGIN } from "./fixtures";

/**
 * A route's own component rendered as the server would, with `data` as its loader's answer,
 * on a static router: so a test reads the HTML a learner or organiser gets, not only the
 * loader's data, without starting the app.
 */
export async function renderRouteHtml(route: { path: string; Component: React.ComponentType }, url: string, data: object): Promise<string> {
  const handler = createStaticHandler([{ id: "route", path: route.path, loader: () => data, Component: route.Component }]);
  const context = await handler.query(new Request(new URL(url, TEST_ORIGIN)));
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToStaticMarkup(React.createElement(StaticRouterProvider, { router, context, hydrate: false }));
}
