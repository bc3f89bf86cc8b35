"""`python -m loadtest`: see loadtest.crowd (`make load` runs it)."""

from loadtest.crowd import main

if __name__ == "__main__":
    main()
