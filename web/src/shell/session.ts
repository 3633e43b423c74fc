/** Who is logged in: `/me` once per shell, null when nobody is (401). */
import { createContext, useContext } from "react";

import { ApiError } from "../api/http";
import { accounts, type User } from "../api/resources";

export async function currentUser(): Promise<User | null> {
  try {
    return await accounts.me();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const SessionContext = createContext<User | null>(null);

export function useUser(): User {
  const user = useContext(SessionContext);
  if (!user) throw new Error("useUser() outside a logged-in screen");
  return user;
}
