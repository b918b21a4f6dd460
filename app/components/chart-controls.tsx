import { Link } from "@remix-run/react";
import { DownloadIcon, SortIcon } from "./icons";

// The controls around report charts and tables: page links, sortable column headers, the
// CSV download link and the summary of filter mistakes. Plain links and GET forms, so
// they work without JavaScript and every state has a URL that can be shared.

export function Pagination({
  label,
  page,
  pageCount,
  total,
  noun,
  href,
}: {
  label: string;
  page: number;
  pageCount: number;
  total: number;
  noun: string;
  href: (page: number) => string;
}) {
  if (pageCount <= 1 && page <= 1) return null;
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? (
        <Link to={href(Math.min(page - 1, pageCount))} rel="prev" className="button button--secondary">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      <p className="pagination__status">
        Page {page.toLocaleString("en-GB")} of {pageCount.toLocaleString("en-GB")}{" "}
        <span className="muted">
          ({total.toLocaleString("en-GB")} {noun})
        </span>
      </p>
      {page < pageCount ? (
        <Link to={href(page + 1)} rel="next" className="button button--secondary">
          Next →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** A column header that sorts by its column; a second click reverses the order. */
export function SortHeader({
  label,
  column,
  sort,
  dir,
  href,
  className,
}: {
  label: React.ReactNode;
  column: string;
  sort: string;
  dir: "asc" | "desc";
  href: (sort: string, dir: "asc" | "desc") => string;
  className?: string;
}) {
  const active = sort === column;
  const next = active && dir === "asc" ? "desc" : "asc";
  return (
    <th scope="col" className={className} aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link to={href(column, next)} className="sort-link">
        {label}
        {" "}
        <SortIcon direction={active ? dir : "none"} className="sort-link__arrow" />
        <span className="visually-hidden">{active ? `, sorted ${dir === "asc" ? "ascending" : "descending"}; sort ${next === "asc" ? "ascending" : "descending"}` : ", sort"}</span>
      </Link>
    </th>
  );
}

/** A real download link (no client routing), so the browser saves the file. */
export function ExportLink({ href, label }: { href: string; label: string }) {
  return (
    <p className="export-link">
      <a href={href} download className="button button--quiet">
        <DownloadIcon /> {label}
      </a>
    </p>
  );
}

export function FilterErrorSummary({ errors }: { errors: Record<string, string> }) {
  const messages = Object.values(errors);
  if (messages.length === 0) return null;
  return (
    <div className="alert alert--error" role="alert">
      <p>
        <strong>Some filters could not be used:</strong>
      </p>
      <ul>
        {messages.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}
