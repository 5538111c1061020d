from .cli import main

if __name__ == "__main__":  # not in the worker processes that read a large day
    main()
