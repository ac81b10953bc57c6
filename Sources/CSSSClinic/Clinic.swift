import CSSSEngine
