/**
 * Interview-flavoured English for generated answers, chosen by a field's name so that a person
 * running the app locally sees questions where questions belong and feedback where feedback does.
 */

/** Phrase banks, tried in order; the first whose pattern matches the normalized field name is used. */
const phraseBanks: ReadonlyArray<{ pattern: RegExp; phrases: readonly string[] }> = [
  {
    pattern: /followup/,
    phrases: [
      "What would you do differently if you faced that situation again?",
      "How did you measure whether your solution actually worked?",
      "Who else was involved, and how did you keep them informed?",
      "What was the hardest trade-off you had to make there?",
      "How would you approach it if the deadline were half as long?",
      "What feedback did you get afterwards, and what did you change?",
    ],
  },
  {
    pattern: /(sample|example|ideal|model|improved|better|suggested|rewritten|strong)answer/,
    phrases: [
      "In my last role our deployment pipeline took forty minutes, which slowed every release. I profiled each stage, parallelised the test suites and cached dependencies, and brought it down to twelve minutes. Releases went from weekly to daily, and I documented the setup so the team could maintain it.",
      "When two teams disagreed on an API design, I set up a short meeting to list each side's constraints, proposed a versioned contract that met both, and wrote it up for sign-off. We shipped on schedule and the approach became our template for later integrations.",
      "I noticed our error rate creeping up after a release, so I rolled back first, then traced the cause to a missing index. I added the index, a regression test and an alert, and shared a short write-up so the same mistake would be caught earlier next time.",
    ],
  },
  {
    pattern: /feedback|comment|critique|assessment|evaluation|review|verdict|observation/,
    phrases: [
      "Your answer was well structured and easy to follow, but it would be stronger with a concrete, measurable result at the end.",
      "You explained the technical details clearly; try to say more about your own role and the decisions you personally made.",
      "Good use of a real example. The situation took a long time to set up, so move to your actions sooner.",
      "The answer covered the main points, but it stayed general. Pick one specific project and walk through it step by step.",
      "You showed good awareness of trade-offs. Finish by stating what you learned and how you would apply it next time.",
    ],
  },
  {
    pattern: /strength|positive|wentwell|highlight/,
    phrases: [
      "Clear structure that follows the situation, task, action and result.",
      "Concrete example drawn from real work experience.",
      "Shows ownership of the outcome rather than blaming others.",
      "Explains technical trade-offs in plain language.",
      "Quantifies the impact of the work.",
    ],
  },
  {
    pattern: /improv|weakness|gap|suggest|tip|advice|recommend|nextstep|action|todo|develop/,
    phrases: [
      "Quantify the result, for example the time saved or the errors avoided.",
      "Spend less time on background and more on what you did.",
      "Name the trade-offs you considered and why you chose this one.",
      "Close with what you learned and would repeat next time.",
      "Use \"I\" rather than \"we\" when describing your own contribution.",
    ],
  },
  {
    pattern: /question|prompt|ask/,
    phrases: [
      "Tell me about a time you had to deliver a project under a tight deadline. How did you prioritise?",
      "Describe a situation where you disagreed with a teammate. How did you resolve it?",
      "Walk me through how you would design a service that handles sudden spikes in traffic.",
      "Tell me about a mistake you made at work and what you learned from it.",
      "How do you decide when a piece of code is ready for review?",
      "Describe a time you had to learn a new technology quickly to finish a task.",
      "What is the most complex bug you have tracked down, and how did you find it?",
      "How do you keep stakeholders informed when a project starts to slip?",
    ],
  },
  {
    pattern: /answer|response|reply/,
    phrases: [
      "I would start by clarifying the requirements and constraints, then propose a simple design, measure it, and iterate where the data shows a bottleneck.",
      "In that situation I listed the risks, agreed priorities with my manager and delivered the most valuable part first.",
      "I reproduced the problem locally, narrowed it down with logging, fixed the root cause and added a test so it would not come back.",
    ],
  },
  {
    pattern: /summary|overview|overall|conclusion|verdict/,
    phrases: [
      "A solid answer with a relevant example; adding measurable results and your personal decisions would make it excellent.",
      "You communicate clearly and stay on topic. Focus next on structure and on closing with the outcome.",
      "Promising overall: the technical content is right, and the delivery will improve with a tighter story.",
    ],
  },
  {
    pattern: /reason|rationale|why|explanation|justification/,
    phrases: [
      "Interviewers use this question to see how you handle pressure and set priorities.",
      "It tests whether you can explain a technical decision to someone outside your team.",
      "It shows how you learn from setbacks, which matters more than the setback itself.",
    ],
  },
  {
    pattern: /difficulty|level|seniority|complexity/,
    phrases: ["medium", "easy", "hard"],
  },
  {
    pattern: /role|position|job/,
    phrases: ["Software Engineer", "Senior Backend Engineer", "Product Manager", "Data Analyst", "Frontend Developer"],
  },
  {
    pattern: /company|employer|organi[sz]ation/,
    phrases: ["Acme Corp", "Northwind Traders", "Contoso"],
  },
  {
    pattern: /topic|category|skill|competenc|theme|focus|tag|area|type|kind/,
    phrases: ["Teamwork", "Problem solving", "System design", "Communication", "Leadership", "Prioritisation"],
  },
  {
    pattern: /candidate|interviewer|person|fullname|firstname|lastname|username/,
    phrases: ["Alex Morgan", "Priya Shah", "Sam Lee", "Jordan Rivera"],
  },
  {
    pattern: /title|name|heading|label/,
    phrases: ["Handling a tight deadline", "Resolving a disagreement", "Designing for scale", "Learning from a mistake"],
  },
  {
    pattern: /keyword|term|phrase/,
    phrases: ["ownership", "trade-off", "measurable impact", "stakeholders", "root cause"],
  },
];

/** For any field whose name gives no hint. */
const generalPhrases: readonly string[] = [
  "Structure your answer as situation, task, action and result.",
  "Keep the example specific and focused on your own contribution.",
  "Mention the outcome and what you learned from it.",
  "Practise saying the answer out loud in about two minutes.",
];

/** Appended in turn to reach a `minLength`. */
const fillers: readonly string[] = [
  " Be specific about what you did and what changed as a result.",
  " Keep the story focused on your own decisions.",
  " End with the outcome and what you learned.",
];

/** Field names that say nothing about the content, so the enclosing field's name is used instead. */
const genericNames = /^(text|content|value|body|description|details?|message|item|entry|string)$/;

/** Field names that hold an identifier rather than prose. */
const identifierName = /(^|_)id$|[a-z]Id$|^key$/;

/**
 * Returns a picker of text for a field, given its name and its enclosing fields' names, innermost
 * first (["text", "questions"] for the text of an item of `questions`). Each bank is walked from a
 * seed-chosen start, so the same seed gives the same text and consecutive fields of one kind (the
 * items of an array) differ. Identifiers are numbered after the enclosing field: "question-1".
 */
export function createPhrasePicker(seed: number): (names: readonly string[]) => string {
  const used = new Map<unknown, number>();
  const next = (counter: unknown) => {
    const count = used.get(counter) ?? 0;
    used.set(counter, count + 1);
    return count;
  };
  return (names) => {
    const normalized = names.map((name) => name.toLowerCase().replace(/[^a-z]/g, ""));
    if (names.length && identifierName.test(names[0])) {
      const owner = normalized.slice(1).find((name) => name && !genericNames.test(name))?.replace(/s$/, "") ?? "item";
      return `${owner}-${next(owner) + 1}`;
    }
    const phrases =
      normalized
        .filter((name) => name && !genericNames.test(name))
        .map((name) => phraseBanks.find(({ pattern }) => pattern.test(name)))
        .find((bank) => bank !== undefined)?.phrases ?? generalPhrases;
    return phrases[(seed + next(phrases)) % phrases.length];
  };
}

/** Shortens `text` at a word boundary, or pads it with a sentence, to fit the given length bounds. */
export function fitLength(text: string, minLength = 0, maxLength = Infinity): string {
  let fitted = text;
  for (let index = 0; fitted.length < minLength; index++) fitted += fillers[index % fillers.length];
  if (fitted.length > maxLength) {
    const cut = fitted.slice(0, maxLength);
    const lastSpace = cut.lastIndexOf(" ");
    // A cut text should not end on a dangling "a", "the" or comma.
    const atWord = lastSpace > 0 ? cut.slice(0, lastSpace).replace(/([\s,;:]+(a|an|the|and|or|of|to|in|for|with|by))*[\s,;:]*$/i, "") : "";
    fitted = atWord.length >= Math.max(minLength, 1) ? atWord : cut;
  }
  return fitted;
}
