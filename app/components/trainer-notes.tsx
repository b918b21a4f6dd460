// Trainer notes as trainers see them: in the presenter view and on the printable plan
// (beside a step they preview, the step page inserts HTML made on the server:
// trainerNotesAsideHtml). The HTML was made when the module compiled, from a short list
// of safe elements (app/content/notes-html.ts): no author markup reaches it.

export function TrainerNotesBlocks({ notesHtml }: { notesHtml: string[] }) {
  return (
    <>
      {notesHtml.map((html, i) => (
        <div key={i} className="trainer-notes__block" dangerouslySetInnerHTML={{ __html: html }} />
      ))}
    </>
  );
}
