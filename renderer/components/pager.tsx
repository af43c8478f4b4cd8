import { useI18n } from '../i18n/i18n-context';

interface Props {
  /** Zero-based page shown now. */
  page: number;
  pageSize: number;
  total: number;
  onPage(page: number): void;
  /** `total` is a lower bound ("10,000+"): whether a next page exists is `hasNext`. */
  totalCapped?: boolean;
  hasNext?: boolean;
}

/** Previous / "Page n of m" / Next under a paged list (both audit views). */
export function Pager({ page, pageSize, total, onPage, totalCapped, hasNext }: Props) {
  const { t } = useI18n();
  const last = Math.min(total, (page + 1) * pageSize);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label={t('audit.pages')}>
      <button
        type="button"
        className="button secondary"
        disabled={page === 0}
        onClick={() => onPage(page - 1)}
      >
        {t('audit.previous')}
      </button>
      <span>{t('audit.page', { page: page + 1, pages: totalCapped ? `${pages}+` : pages })}</span>
      <button
        type="button"
        className="button secondary"
        disabled={hasNext === undefined ? last >= total : !hasNext}
        onClick={() => onPage(page + 1)}
      >
        {t('audit.next')}
      </button>
    </nav>
  );
}
