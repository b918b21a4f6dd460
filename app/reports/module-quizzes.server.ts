// Quiz figures of one module: per question how many attempts got it right (all attempts,
// and people's first ones) and which wrong option people pick, per quiz how many passed
// and their average best. Read from the raw
// attempts of some people (an organiser's: module-report.server.ts, scopedModuleRaw) or,
// for everyone, from the summaries kept by triggers; the compiled module supplies the
// words and the pass marks.
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { quizBests, quizQuestionTallies, quizTallies, quizWrongPicks } from "../../db/schema";
import { quizzesOf, type CompiledModule } from "../content/manifest";
import { quizLabel } from "./labels";
import { nonActivists, rows } from "./scope.server";

export interface QuestionFigures {
  id: string;
  prompt: string;
  attempts: number;
  right: number;
  /** Share of attempts answered exactly right, 0–100; null before any attempt. */
  percentRight: number | null;
  /** People's first attempts that answered it, and of those exactly right (a retry cannot lift these). */
  firstAttempts: number;
  firstRight: number;
  /** Share right on the first attempt, 0–100; null before any attempt. */
  percentRightFirst: number | null;
  /**
   * "all" when everyone got it right first time, "none" when nobody did (at least
   * FIRST_TIME_MIN people): a question too easy to teach anything, or one that fails everyone.
   */
  firstTime: "all" | "none" | null;
  /** The wrong option picked most often in attempts that got this question wrong. */
  commonWrong: { optionId: string; text: string; times: number } | null;
}

export interface QuizFigures {
  id: string;
  /** What a reader calls it (labels.ts), never the id. */
  label: string;
  passMark: number;
  learners: number;
  passed: number;
  averageBest: number | null;
  questions: QuestionFigures[];
  /** Id of the question with the lowest share right (at least one attempt). */
  hardest: string | null;
}

export type QuestionRow = { quizId: string; questionId: string; attempts: number; right: number; firstAttempts: number; firstRight: number };

/** First attempts a question needs before "everyone" or "nobody" is worth saying. */
export const FIRST_TIME_MIN = 5;
export type QuizRow = { quizId: string; learners: number; passed: number; averageBest: number | null };
export type WrongPickRow = { quizId: string; questionId: string; optionId: string; times: number };

export type QuizRaw = [QuestionRow[], QuizRow[], WrongPickRow[]];

/** Attempts with `first`: the person's earliest at that quiz (then the lowest id, as migration 0011). */
const firstMarked = (attempts: SQL) => sql`(
  select a.*, row_number() over (partition by a.user_id, a.module_slug, a.quiz_id order by a.created_at, a.id) = 1 as first
  from ${attempts} a)`;

/** Quiz figures over some attempts (a relation with quiz_attempts' columns). */
export function quizQueries(attempts: SQL): [SQL, SQL, SQL] {
  return [
    sql`
      select qa.quiz_id as "quizId", r.key as "questionId", count(*)::int as attempts,
             (count(*) filter (where r.value = 'true'::jsonb))::int as right,
             (count(*) filter (where qa.first))::int as "firstAttempts",
             (count(*) filter (where qa.first and r.value = 'true'::jsonb))::int as "firstRight"
      from ${firstMarked(attempts)} qa cross join lateral jsonb_each(qa.results) r
      group by qa.quiz_id, r.key`,
    sql`
      select quiz_id as "quizId", count(*)::int as learners, (count(*) filter (where passed))::int as passed,
             round(avg(best), 1)::float8 as "averageBest"
      from (
        select qa.user_id, qa.quiz_id, max(qa.score) as best, bool_or(qa.passed) as passed
        from ${attempts} qa
        group by qa.user_id, qa.quiz_id
      ) best
      group by quiz_id`,
    // Which options people pick when they get a question wrong.
    sql`
      select qa.quiz_id as "quizId", a.key as "questionId", o.option_id as "optionId", count(*)::int as times
      from ${attempts} qa
      cross join lateral jsonb_each(qa.answers) a
      cross join lateral jsonb_array_elements_text(a.value) as o(option_id)
      where qa.results ->> a.key = 'false'
      group by qa.quiz_id, a.key, o.option_id`,
  ];
}

/**
 * Everyone: the summaries kept by triggers (migration 0004) less the few non-activists'
 * share, which is their own attempts (and bests) read by person.
 */
export function quizSummaries(slug: string): Promise<QuizRaw> {
  const questions = alias(quizQuestionTallies, "t");
  const best = alias(quizBests, "q");
  const b = alias(quizBests, "b");
  const quizzes = alias(quizTallies, "t");
  const picks = alias(quizWrongPicks, "t");
  const others = sql`(select qa.* from ${nonActivists} n
    cross join lateral (select * from quiz_attempts q where q.user_id = n.id and q.module_slug = ${slug} offset 0) qa)`;
  return Promise.all([
    rows<QuestionRow>(sql`
      with o as (
        select qa.quiz_id, r.key as question_id, count(*) as attempts, count(*) filter (where r.value = 'true'::jsonb) as "right",
               count(*) filter (where qa.first) as first_attempts, count(*) filter (where qa.first and r.value = 'true'::jsonb) as first_right
        from ${firstMarked(others)} qa cross join lateral jsonb_each(qa.results) r group by qa.quiz_id, r.key
      )
      select ${questions.quizId} as "quizId", ${questions.questionId} as "questionId",
             (${questions.attempts} - coalesce(o.attempts, 0))::int as attempts, (${questions.right} - coalesce(o."right", 0))::int as right,
             (${questions.firstAttempts} - coalesce(o.first_attempts, 0))::int as "firstAttempts",
             (${questions.firstRight} - coalesce(o.first_right, 0))::int as "firstRight"
      from ${quizQuestionTallies} ${questions} left join o on o.quiz_id = ${questions.quizId} and o.question_id = ${questions.questionId}
      where ${questions.moduleSlug} = ${slug} and ${questions.attempts} - coalesce(o.attempts, 0) > 0`),
    rows<QuizRow>(sql`
      with o as (
        select ${b.quizId}, count(*) as learners, count(*) filter (where ${b.passed}) as passed, sum(${b.best}) as best_sum
        from ${nonActivists} n cross join lateral (select * from ${quizBests} ${best} where ${best.userId} = n.id and ${best.moduleSlug} = ${slug} offset 0) ${b}
        group by ${b.quizId}
      ),
      d as (
        select ${quizzes.quizId}, ${quizzes.learners} - coalesce(o.learners, 0) as learners, ${quizzes.passed} - coalesce(o.passed, 0) as passed,
               ${quizzes.bestSum} - coalesce(o.best_sum, 0) as best_sum
        from ${quizTallies} ${quizzes} left join o on o.quiz_id = ${quizzes.quizId} where ${quizzes.moduleSlug} = ${slug}
      )
      select quiz_id as "quizId", learners::int as learners, passed::int as passed,
             round(best_sum::numeric / learners, 1)::float8 as "averageBest"
      from d where learners > 0`),
    rows<WrongPickRow>(sql`
      with o as (
        select qa.quiz_id, a.key as question_id, p.option_id, count(*) as times
        from ${others} qa
        cross join lateral jsonb_each(qa.answers) a
        cross join lateral jsonb_array_elements_text(a.value) as p(option_id)
        where qa.results ->> a.key = 'false'
        group by qa.quiz_id, a.key, p.option_id
      )
      select ${picks.quizId} as "quizId", ${picks.questionId} as "questionId", ${picks.optionId} as "optionId", (${picks.times} - coalesce(o.times, 0))::int as times
      from ${quizWrongPicks} ${picks}
      left join o on o.quiz_id = ${picks.quizId} and o.question_id = ${picks.questionId} and o.option_id = ${picks.optionId}
      where ${picks.moduleSlug} = ${slug} and ${picks.times} - coalesce(o.times, 0) > 0`),
  ]);
}


export function buildQuizFigures(module: CompiledModule, [perQuestion, perQuiz, wrongPicks]: QuizRaw): QuizFigures[] {
  return quizzesOf(module.manifest).map((quiz) => {
    const stats = perQuiz.find((q) => q.quizId === quiz.id);
    const questions: QuestionFigures[] = quiz.questions.map((question) => {
      const q = perQuestion.find((r) => r.quizId === quiz.id && r.questionId === question.id);
      const attempts = Number(q?.attempts ?? 0);
      const right = Number(q?.right ?? 0);
      const firstAttempts = Number(q?.firstAttempts ?? 0);
      const firstRight = Number(q?.firstRight ?? 0);
      const correct = new Set(question.options.filter((o) => o.correct).map((o) => o.id));
      const wrong = wrongPicks
        .filter((w) => w.quizId === quiz.id && w.questionId === question.id && !correct.has(w.optionId))
        .map((w) => ({ ...w, times: Number(w.times), option: question.options.find((o) => o.id === w.optionId) }))
        .filter((w) => w.option)
        .sort((x, y) => y.times - x.times || x.optionId.localeCompare(y.optionId))[0];
      return {
        id: question.id,
        prompt: question.prompt,
        attempts,
        right,
        percentRight: attempts ? Math.round((right / attempts) * 1000) / 10 : null,
        firstAttempts,
        firstRight,
        percentRightFirst: firstAttempts ? Math.round((firstRight / firstAttempts) * 1000) / 10 : null,
        firstTime: firstAttempts < FIRST_TIME_MIN ? null : firstRight === firstAttempts ? "all" : firstRight === 0 ? "none" : null,
        commonWrong: wrong ? { optionId: wrong.optionId, text: wrong.option!.text, times: wrong.times } : null,
      };
    });
    // The most missed question, if one stands out (not when they all score the same).
    const answered = questions.filter((q) => q.percentRight !== null);
    const lowest = answered.length ? answered.reduce((a, b) => (b.percentRight! < a.percentRight! ? b : a)) : null;
    const hardest = lowest && answered.some((q) => q.percentRight! > lowest.percentRight!) ? lowest.id : null;
    return {
      id: quiz.id,
      label: quizLabel(module.manifest, quiz.id),
      passMark: quiz.passMark,
      learners: Number(stats?.learners ?? 0),
      passed: Number(stats?.passed ?? 0),
      averageBest: stats?.averageBest === null || stats?.averageBest === undefined ? null : Number(stats.averageBest),
      questions,
      hardest,
    };
  });
}
