import type { SeedNames } from './simulator/types.js';

/*
 * Readable sample chats for the sandbox: people's names and everyday messages in a few languages,
 * picked by position so the same settings give the same account on every start.
 */

const PEOPLE = [
  'Ana Souza',
  'Jonas Müller',
  'Priya Sharma',
  'Lucas Martin',
  'Sofia Rossi',
  'Kenji Tanaka',
  'Amara Okafor',
  'Mateo García',
  'Emma Johansson',
  'Yusuf Demir',
  'Chloé Dubois',
  "Liam O'Brien",
  'Fatima Haddad',
  'Noah Schmidt',
  'Isabela Lima',
  'Oliver Smith',
  'Mei Chen',
  'Pedro Alves',
  'Hanna Kowalska',
  'David Cohen',
  'Lea Fischer',
  'Carlos Mendes',
  'Aisha Bello',
  'Tomás Ferreira',
  'Julia Novak',
  'Samir Khan',
  'Marta Nowak',
  'Elif Yılmaz',
  'Hugo Lefèvre',
  'Nina Berg',
];

const GROUPS = ['Family', 'Team Berlin', 'Book Club', 'Futebol de quinta', 'WG Küche', 'Project Apollo', 'Climbing Crew', 'Neighbours'];

const TEXTS = [
  // English
  [
    'Hi! Are we still on for tomorrow?',
    'Yes, 7 pm works for me.',
    'Great, see you there.',
    'Can you send me the address again?',
    'Running 10 minutes late, sorry!',
    'No problem, take your time.',
    'Thanks for yesterday, it was fun.',
    'Did you get my email?',
  ],
  // Portuguese
  [
    'Oi! Tudo bem?',
    'Tudo ótimo, e contigo?',
    'Vamos almoçar amanhã?',
    'Pode ser ao meio-dia?',
    'Combinado, até amanhã!',
    'Chego em dez minutos.',
    'Obrigada pela ajuda!',
    'Manda a foto depois, por favor.',
  ],
  // German
  [
    'Hallo! Hast du heute Abend Zeit?',
    'Klar, um acht?',
    'Perfekt, bis später.',
    'Kannst du Brot mitbringen?',
    'Bin gleich da.',
    'Danke für den Tipp!',
    'Das Treffen ist auf Donnerstag verschoben.',
    'Gute Nacht und bis morgen.',
  ],
  // Spanish
  [
    '¡Hola! ¿Cómo va todo?',
    'Muy bien, gracias. ¿Y tú?',
    '¿Quedamos el sábado?',
    'Perfecto, a las cinco.',
    'Llego un poco tarde.',
    'No pasa nada.',
    '¡Gracias por todo!',
    'Te mando los detalles luego.',
  ],
  // French
  [
    'Salut ! Tu es dispo ce soir ?',
    'Oui, vers 19 h.',
    "Super, à tout à l'heure.",
    "Tu peux m'envoyer le lien ?",
    "J'arrive dans cinq minutes.",
    'Merci beaucoup !',
    'On se voit demain alors.',
    'Bonne soirée !',
  ],
];

/** Names chats and writes their messages when the first `groups` chats are groups: people's names for the rest. */
export function sampleNames(groups: number): SeedNames {
  return {
    chatName(index, isGroup) {
      if (isGroup) return cycle(GROUPS, index);
      const person = index - groups;
      const name = cycle(PEOPLE, person);
      return person < PEOPLE.length ? name : `${name} ${Math.floor(person / PEOPLE.length) + 1}`;
    },
    messageText(chatIndex, messageIndex) {
      return cycle(cycle(TEXTS, chatIndex), messageIndex);
    },
  };
}

/** How many of `chats` sample chats are groups: about one in six, at most one per group name. */
export function sampleGroups(chats: number): number {
  return Math.min(GROUPS.length, Math.floor(chats / 6));
}

function cycle<T>(items: readonly T[], index: number): T {
  return items[index % items.length];
}
