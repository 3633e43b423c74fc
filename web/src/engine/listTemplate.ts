/** Where a list template widget keeps a property's value per item (see Engine.evaluatePerItem). */
export const ITEMS_PREFIX = "__items__.";
