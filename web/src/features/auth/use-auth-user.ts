import { onAuthStateChanged, type Auth, type User } from "firebase/auth";
import { useEffect, useState } from "react";

/** The signed-in user, `null` when signed out, `undefined` until Auth has restored its session. */
export function useAuthUser(auth: Auth | undefined): User | null | undefined {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => (auth ? onAuthStateChanged(auth, setUser) : undefined), [auth]);
  return user;
}
