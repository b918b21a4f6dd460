// Trainer notes as trainers see them: in the presenter view, on the printable plan and
// beside a step they preview. The HTML was made when the module compiled, from a short
// list of safe elements (app/content/notes-html.ts): no author markup reaches it.

export function TrainerNotesBlocks({ notesHtml }: { notesHtml: string[] }) {
  return (
    <>
      {notesHtml.map((html, i) => (
        <div key={i} className="trainer-notes__block" dangerouslySetInnerHTML={{ __html: html }} />
      ))}
    </>
  );
}

/** A clearly marked aside, for a trainer or admin previewing a step self-paced. */
export function TrainerNotesAside({ notesHtml, liveMinutes }: { notesHtml: string[]; liveMinutes: number | null }) {
  if (notesHtml.length === 0 && liveMinutes === null) return null;
  return (
    <aside className="trainer-notes" aria-label="Trainer notes">
      <h2 className="trainer-notes__title">
        Trainer notes <span className="muted">(only trainers and admins see these)</span>
      </h2>
      {liveMinutes !== null ? <p className="trainer-notes__minutes">Planned live: {liveMinutes} min</p> : null}
      <TrainerNotesBlocks notesHtml={notesHtml} />
    </aside>
  );
}
