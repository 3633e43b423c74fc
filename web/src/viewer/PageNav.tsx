/** The app's page links, as a top bar or a side bar (an app setting); hidden pages are left out. */
import { navigate } from "../navigation/history";

export interface NavPage {
  readonly name: string;
  readonly slug: string;
  readonly hidden?: boolean;
}

export function visiblePages<P extends NavPage>(pages: readonly P[]): P[] {
  return pages.filter((p) => p.hidden !== true);
}

export function PageNav(props: { appName: string; appKey: string; pages: readonly NavPage[]; current: string; editHref?: string | undefined; base?: string | undefined }) {
  const { appName, appKey, pages, current } = props;
  const base = props.base ?? `/app/${encodeURIComponent(appKey)}`;
  const shown = visiblePages(pages);
  return (
    <nav className="lc-nav" aria-label="Pages">
      <span className="lc-nav__app">{appName}</span>
      {shown.length > 1 &&
        shown.map((p) => {
          const href = `${base}/${encodeURIComponent(p.slug)}`;
          return (
            <a
              key={p.slug}
              href={href}
              aria-current={p.slug === current ? "page" : undefined}
              onClick={(e) => {
                if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                e.preventDefault();
                navigate(href);
              }}
            >
              {p.name}
            </a>
          );
        })}
      {props.editHref && (
        <a className="lc-nav__edit" href={props.editHref}>
          Edit app
        </a>
      )}
    </nav>
  );
}
